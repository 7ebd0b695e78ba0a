"""Shared API view mixins."""

from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from rest_framework.response import Response


class ConditionalRetrieveMixin:
    """ETag and Last-Modified on details, so clients and caches revalidate cheaply.

    The view names the timestamp attribute that changes whenever the representation does.
    """

    last_modified_field = "modified_at"

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        modified = getattr(instance, self.last_modified_field)
        etag = quote_etag(f"{instance._meta.label_lower}-{instance.pk}-{modified.timestamp():.6f}")
        last_modified = int(modified.timestamp())
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            not_modified["ETag"] = etag
            return not_modified
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        return response

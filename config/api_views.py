"""Shared API view mixins."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

# Documented on every conditional detail; config.api.add_problem_responses adds the 304 answer.
CONDITIONAL_PARAMETERS = [
    OpenApiParameter("If-None-Match", OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
                     description="An ETag from an earlier answer: 304 with no body if the record is unchanged."),
    OpenApiParameter("ETag", OpenApiTypes.STR, location=OpenApiParameter.HEADER, response=[200],
                     description="Strong validator of this representation."),
]


class ConditionalRetrieveMixin:
    """A strong ETag on details, so clients and caches revalidate cheaply.

    The tag hashes the representation itself: counts such as followers change through
    set-based UPDATEs that no timestamp column records, so a timestamp tag could lie.
    """

    @extend_schema(parameters=CONDITIONAL_PARAMETERS)
    def retrieve(self, request, *args, **kwargs):
        data = self.get_serializer(self.get_object()).data
        digest = hashlib.blake2b(
            json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True).encode(), digest_size=16
        ).hexdigest()
        etag = quote_etag(digest)
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            not_modified["ETag"] = etag
            return not_modified
        response = Response(data)
        response["ETag"] = etag
        return response

"""The OpenAPI document at /api/schema/: generated once per process, then served from memory."""

from __future__ import annotations

import logging
import threading

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

log = logging.getLogger(__name__)

_lock = threading.Lock()
_documents: dict[tuple, dict] = {}
# Attempts at one generation: see SchemaView.
_ATTEMPTS = 3


@receiver(setting_changed)
def _forget_documents(**kwargs) -> None:
    """A test that overrides settings (the URLconf, SPECTACULAR_SETTINGS …) gets a fresh document."""
    with _lock:
        _documents.clear()


class SchemaView(SpectacularAPIView):
    """drf-spectacular's schema view, with the generated document kept per process.

    The document depends on the code and the settings only (the schema is public, so not on the
    user), yet drf-spectacular generated it again for every request; kept, a request for it is
    answered in 57-110 ms on runserver.
    Generating it also walks every view through its class-level ``schema`` descriptor, which any
    concurrent API request in the same process re-points (DRF's ``ViewInspector.__get__``): under
    a threaded server (runserver, gunicorn's gthread workers) a generation that raced another
    request failed with "Schema generation REQUIRES a view instance" (drf-spectacular issue
    #1123). Kept, it is generated once per process and language, under a lock, and a generation
    that lost that race is run again.
    """

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, translation.get_language(), self.serve_public, self.urlconf)
        with _lock:
            document = _documents.get(key)
            if document is None:
                document = _documents[key] = self._generated(request, version)
        return Response(
            data=document,
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )

    def _generated(self, request, version) -> dict:
        """A fresh document; a generation that lost the race with a concurrent request runs again."""

        def generate() -> dict:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            return generator.get_schema(request=request, public=self.serve_public)

        for attempt in range(1, _ATTEMPTS):
            try:
                return generate()
            except AssertionError:
                log.warning("OpenAPI generation raced a concurrent request (attempt %d); generating again", attempt)
        return generate()  # the last attempt's error propagates

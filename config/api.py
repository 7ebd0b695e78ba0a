"""API plumbing shared by every app: RFC 9457 problem details, cursor pagination, schema hooks."""

import logging
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://bzpeer.org/problems/"


def _problem_type(exc, status_code):
    code = getattr(exc, "default_code", None)
    if code in (None, "error"):
        # Generic APIExceptions (service refusals among them) are typed by their status.
        code = HTTPStatus(status_code).phrase.lower().replace(" ", "-")
    if isinstance(exc, Http404):
        code = "not-found"
    return PROBLEM_TYPE_BASE + str(code).replace("_", "-")


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "content-too-large"


def _client_error(exc):
    """Django's refusals of hostile bodies (raised while DRF parses) as the API errors they are."""
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge(f"The request body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return exceptions.ParseError(f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields.")
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError("The request was refused as malformed.")
    return exc


def problem_details_exception_handler(exc, context):
    """Answer every API error as an RFC 9457 problem details document."""
    exc = _client_error(exc)
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is None:
        # Unexpected: keep the traceback in the log, give the client a stable problem body.
        logger.exception("Unhandled API error", exc_info=exc)
        response = Response(status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        detail = "An unexpected error occurred. It has been logged."
        errors = None
    else:
        data = response.data
        errors = None
        if isinstance(data, dict) and set(data) <= {"detail", "code"} and "detail" in data:
            detail = str(data["detail"])
        elif isinstance(exc, exceptions.ValidationError):
            detail = "The request has invalid fields."
            errors = data
        elif isinstance(data, dict) and "detail" in data:
            detail = str(data["detail"])
            errors = {k: v for k, v in data.items() if k != "detail"}
        else:
            detail = str(data)
    body = {
        "type": _problem_type(exc, response.status_code),
        "title": HTTPStatus(response.status_code).phrase,
        "status": response.status_code,
        "detail": detail,
        "instance": request.get_full_path() if request is not None else "",
    }
    if errors:
        body["errors"] = errors
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


class NewestFirstCursorPagination(CursorPagination):
    """Stable, O(1)-per-page pagination for lists that grow while being read."""

    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = "-id"
    # Used instead of `ordering` when the request has a non-blank ?search=: the list is then
    # ranked by the match score its queryset annotates.
    search_ordering = None

    def get_ordering(self, request, queryset, view):
        if self.search_ordering and request.query_params.get("search", "").strip():
            return self.search_ordering
        return super().get_ordering(request, queryset, view)


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["type", "title", "status", "detail"],
}

_PROBLEM_RESPONSES = {
    "400": "The request was malformed or had invalid fields.",
    "401": "Authentication is required.",
    "403": "Not allowed for this account.",
    "404": "No such resource.",
    "405": "Method not allowed.",
    "406": "Cannot render the requested media type.",
    "415": "Unsupported request media type.",
    "429": "Rate limited; retry later.",
}
# Writes can meet a record whose state forbids them (owned, disputed, already answered).
_WRITE_PROBLEM_RESPONSES = {"409": "Conflicts with the resource's current state."}


def add_problem_responses(result, generator, request, public):
    """drf-spectacular hook: document the problem details body on every operation's 4xx."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            if any(p.get("in") == "header" and p.get("name") == "If-None-Match"
                   for p in operation.get("parameters", [])):
                responses.setdefault("304", {
                    "description": "Not modified: the If-None-Match tag still matches.",
                    "headers": {"ETag": {"schema": {"type": "string"}}},
                })
            documented = dict(_PROBLEM_RESPONSES)
            if method != "get":
                documented.update(_WRITE_PROBLEM_RESPONSES)
            for code, description in documented.items():
                existing = responses.get(code)
                if existing is None:
                    responses[code] = {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}}}
                else:
                    existing.setdefault("content", {})[PROBLEM_CONTENT_TYPE] = {"schema": ref}
    return result


def problem_response(request, status_code: int, detail: str, errors: dict | None = None):
    """A problem details response outside DRF (URLs no API view matched, server errors under /api/)."""
    from django.http import JsonResponse

    body = {
        "type": PROBLEM_TYPE_BASE + ("not-found" if status_code == 404 else
                                     HTTPStatus(status_code).phrase.lower().replace(" ", "-")),
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
        "instance": request.get_full_path(),
    }
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def is_api_request(request) -> bool:
    return request.path.startswith("/api/")

"""Request parsers that turn hostile bodies into 400s instead of server errors."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser; a document nested past the interpreter's recursion limit is a client error.

    `json` recurses per nesting level and raises RecursionError (not ValueError, which DRF maps to
    400) on `[[[[…` a few thousand deep: a 200 kB body could answer 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None

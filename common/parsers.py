"""The API's JSON parser: camelCase keys read as snake_case, and no body nested beyond reason."""

import json

from django.conf import settings
from djangorestframework_camel_case.parser import CamelCaseJSONParser
from djangorestframework_camel_case.settings import api_settings
from djangorestframework_camel_case.util import underscoreize
from rest_framework.exceptions import ParseError

# No resource nests deeper than a few levels (a record, its source, a list of links); a
# body nested 30.000 levels deep exhausted Python's recursion limit and was a 500.
MAX_DEPTH = 32
TOO_DEEP = f"De JSON is te diep genest: hoogstens {MAX_DEPTH} niveaus."


def depth_exceeds(data, limit):
    """Whether `data` nests lists and objects more than `limit` levels deep (without
    recursion: a check against deep data must not be deep itself)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        pending.extend((item, depth + 1) for item in value)
    return False


class JSONParser(CamelCaseJSONParser):
    """djangorestframework-camel-case's parser, refusing a body nested more than `MAX_DEPTH`
    levels deep with a 400 (a `ParseError`), and saying in Dutch what else it cannot read."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(stream.read().decode(encoding))
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        except ValueError as error:
            raise ParseError(f"Geen geldige JSON: {error}") from None
        if depth_exceeds(data, MAX_DEPTH):
            raise ParseError(TOO_DEEP)
        return underscoreize(data, **api_settings.JSON_UNDERSCOREIZE)

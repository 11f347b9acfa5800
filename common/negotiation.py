"""Content negotiation for the API (its own module: DRF's views import it from the settings)."""

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """`?format=` chooses the representation of a read; an unknown one is a 400, not a 404.

    On other methods it is no parameter at all: a write, or a method the resource does not
    have (405), answers as without it.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        self.reading = request.method in ("GET", "HEAD")
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if matching or not self.reading:
            return matching or renderers
        offered = ", ".join(sorted({renderer.format for renderer in renderers}))
        raise ValidationError({"format": [f"Onbekend formaat; hier kan: {offered}."]})

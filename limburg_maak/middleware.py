from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control

from programs.models import can_read_concepts


def client_ip(request):
    """The client's address behind `NUM_PROXIES` trusted proxies (DRF's rule, for axes too).

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the client is the
    entry the outermost trusted proxy added; whatever the client itself sent comes before it
    and is ignored.
    """
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if settings.NUM_PROXIES and forwarded:
        return forwarded[-min(settings.NUM_PROXIES, len(forwarded))]
    return request.META.get("REMOTE_ADDR")


class NoStoreForEditorsMiddleware:
    """Pages and API answers that may hold concept data are never kept by a cache or browser."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(self.admin_prefix) or can_read_concepts(user):
            patch_cache_control(response, no_store=True, private=True)
        return response


class PagesLocaleMiddleware(LocaleMiddleware):
    """Pages follow the reader's language (cookie, then Accept-Language); machine outputs don't.

    The API, the Atom feed and the deadline calendar are documented as Dutch (`"label":
    "medio 2016"`, `€ 8,9 mln`) and other systems store what they read, so an English
    browser or client must not change them.
    """

    dutch_only_prefixes = ("/api/", "/wijzigingen.atom", "/termijnen.ics")

    def process_request(self, request):
        if request.path_info.startswith(self.dutch_only_prefixes):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    """Requests per API token, per logged-in editor, or per anonymous client address.

    Counts live in the shared cache (Redis in production), so every worker sees them; the
    rates are read when a request comes in, so they follow the settings.
    """

    scope = "anonymous"

    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        self.scope = (
            "token"
            if request.auth is not None
            else ("user" if request.user.is_authenticated else "anonymous")
        )
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if request.auth is not None:
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

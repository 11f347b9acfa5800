"""Sign-in: the province's identity provider (OpenID Connect), or a password with a second factor.

Staff sign in with the province's own account (Microsoft Entra ID, through django-allauth's
`openid_connect` provider); the identity provider's groups (or app roles) claim gives their
roles, on every sign-in, so roles are managed where the province manages people. Local
password accounts are for break-glass use: a session signed in with a password alone counts
as no sign-in at all until it has passed a second factor (TOTP, or a recovery code), and the
admin sends it to set one up first. django-axes keeps locking out repeated wrong passwords.
"""

import logging
import time

from allauth.account import app_settings as account_settings
from allauth.account import signals as account_signals
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa import signals as mfa_signals
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

logger = logging.getLogger(__name__)

#: The role groups that the identity provider's claim decides (made by a migration).
ROLES = ("Lezer", "Redacteur", "Publicist")
#: The session's note that it passed a second factor, with the id of the user who did.
SECOND_FACTOR_SESSION_KEY = "limburg_maak_second_factor"
#: The authentication steps (allauth's names) that count as a second factor: a TOTP or
#: recovery code, or the identity provider, which enforces its own multi-factor sign-in.
SECOND_FACTOR_METHODS = {"mfa", "socialaccount"}
#: Where allauth's pages are (limburg_maak.urls): open to a password-only session.
SIGN_IN_PAGES = "/accounts/"


def axes_username(request, credentials=None):
    """The user name that django-axes counts failures by.

    allauth's login form posts it as `login` and authenticates with it as `username`; a
    sign-in completed by its second factor posts only the code, when the user is known.
    """
    if credentials and credentials.get("username"):
        return credentials["username"]
    data = getattr(request, "POST", {}) if request is not None else {}
    user = getattr(request, "user", None)
    signed_in = user.get_username() if user is not None and user.is_authenticated else None
    return data.get("login") or data.get("username") or signed_in


class AccountAdapter(DefaultAccountAdapter):
    """No one signs up with a password: local accounts are made by a superuser in the admin."""

    def is_open_for_signup(self, request):
        return False

    def is_reauthentication_required(self, *, app, **kwargs):
        """A sign-in of the last few minutes counts as reauthentication for the second factor.

        Right after signing in with a password, setting up TOTP and reading its recovery codes
        ask for no password again (allauth would: only a reauthentication counts for it).
        Later, changing or removing a second factor asks again, by password or code.
        """
        user = getattr(self.request, "user", None)
        if app == "allauth.mfa" and user is not None and user.is_authenticated:
            records = get_authentication_records(self.request, user)
            since = time.time() - records[-1].get("at", 0) if records else None
            if since is not None and since < account_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def get_logout_redirect_url(self, request):
        """With OIDC_LOGOUT_AT_PROVIDER, whoever signed in with the identity provider is
        signed out there too (RP-initiated logout), and comes back to the site."""
        url = super().get_logout_redirect_url(request)
        if not (settings.OIDC_LOGOUT_AT_PROVIDER and signed_in_with_provider(request)):
            return url
        provider = get_social_adapter().get_provider(request, settings.OIDC_PROVIDER_ID)
        end_session = provider.get_oauth2_adapter(request).openid_config.get("end_session_endpoint")
        if not end_session:
            return url
        query = {
            "client_id": provider.app.client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(url),
        }
        return f"{end_session}?{urlencode(query)}"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Staff of the province get an account at their first sign-in with the identity provider."""

    def is_open_for_signup(self, request, sociallogin):
        return True

    def populate_user(self, request, sociallogin, data):
        """A new user named by their `preferred_username` (in Entra ID: j.jansen@prvlimburg.nl),
        or a name made from it when that is taken (by a local account) or no user name."""
        user = super().populate_user(request, sociallogin, data)
        wanted = (data.get("username") or "").strip()
        try:
            UnicodeUsernameValidator()(wanted)
            free = (
                0 < len(wanted) <= 150
                and not type(user).objects.filter(username__iexact=wanted).exists()
            )
        except ValidationError:
            free = False
        user.username = (
            wanted
            if free
            else get_account_adapter(request).generate_unique_username(
                [wanted, data.get("email"), data.get("name"), "medewerker"]
            )
        )
        return user

    def pre_social_login(self, request, sociallogin):
        """Refuse a sign-in without multi-factor authentication, if the settings ask so."""
        if settings.OIDC_REQUIRE_MFA_CLAIM and "mfa" not in as_list(
            sociallogin.account.extra_data.get("id_token", {}).get("amr")
        ):
            logger.warning("OIDC sign-in of %s refused: no `mfa` in `amr`", sociallogin.account.uid)
            raise ImmediateHttpResponse(render(request, "account/sign_in_refused.html", status=403))


def as_list(value):
    """A claim's values as a list: a claim may hold one value or a list of them."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def identity_claims(sociallogin):
    """The claims of a sign-in: the userinfo's, and over them the ID token's.

    Entra ID puts `groups` and `roles` in the ID token only (its userinfo endpoint has
    neither); other providers answer them from userinfo.
    """
    extra = sociallogin.account.extra_data
    return {**extra.get("userinfo", {}), **extra.get("id_token", {})}


def roles_from_claims(claims):
    """The role group names that the claims give, by OIDC_GROUPS_CLAIM and OIDC_GROUP_MAP."""
    claim = settings.OIDC_GROUPS_CLAIM
    if claim in claims.get("_claim_names", {}):
        # Entra ID leaves the groups out when a user has too many (the "overage"): no roles
        # then, rather than guessing. Emit only the groups assigned to the application.
        logger.warning("The %r claim was left out (too many groups): no roles given", claim)
    mapping = settings.OIDC_GROUP_MAP
    return {mapping[str(value)] for value in as_list(claims.get(claim)) if str(value) in mapping}


def set_roles(user, roles):
    """Make the user a member of exactly `roles` among the role groups; other groups stay.

    Staff while they have any role (a superuser stays staff); the audit log records each
    change, as it records every change of a user's groups.
    """
    wanted = set(Group.objects.filter(name__in=roles))
    current = set(user.groups.filter(name__in=ROLES))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))
    is_staff = bool(wanted) or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@receiver(account_signals.user_logged_in)
def roles_from_identity_provider(sender, request, user, sociallogin=None, **kwargs):
    """On every sign-in with the identity provider, its claim decides the user's roles."""
    if sociallogin is None or sociallogin.account.provider != settings.OIDC_PROVIDER_ID:
        return
    set_roles(user, roles_from_claims(identity_claims(sociallogin)))


@receiver(account_signals.authentication_step_completed)
def second_factor_completed(sender, request, user, method, **kwargs):
    """A TOTP or recovery code, or the identity provider's sign-in, is this session's second
    factor."""
    if method in SECOND_FACTOR_METHODS:
        count_as_second_factor(request.session, user)


@receiver(mfa_signals.authenticator_added)
def authenticator_added(sender, request, user, **kwargs):
    """Whoever just set up TOTP entered a valid code for it: their second factor."""
    count_as_second_factor(request.session, user)


def count_as_second_factor(session, user):
    """Note in the session that `user` passed a second factor in it."""
    session[SECOND_FACTOR_SESSION_KEY] = str(user.pk)


def passed_second_factor(request):
    """Whether the request's user passed a second factor in this session."""
    return request.session.get(SECOND_FACTOR_SESSION_KEY) == str(request.user.pk)


class SecondFactorMiddleware:
    """A session signed in with a password alone is no sign-in until its second factor.

    In the admin such a user is sent to set up TOTP (or, with TOTP already set up, to sign in
    again, which asks for the code); elsewhere (the site, the API) they are anonymous. The
    sign-in pages themselves (`/accounts/`) stay open, to set up the second factor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a request with a session can be signed in; the rest is not looked at, so a
        # public page does not vary by cookie for it.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and not request.path.startswith(
            SIGN_IN_PAGES
        ):
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request):
        """None if the request may go on (perhaps as anonymous), else where it is sent."""
        user = request.user
        if not user.is_authenticated or passed_second_factor(request):
            return None
        if request.path.startswith(reverse("admin:index")):
            if not is_mfa_enabled(user):
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
            logout(request)
            return HttpResponseRedirect(login_url(request.get_full_path()))
        anonymous = AnonymousUser()
        request.user = anonymous

        async def auser():
            return anonymous

        request.auser = auser
        return None


def signed_in_with_provider(request):
    """Whether this session's user signed in with the identity provider."""
    return any(
        record.get("method") == "socialaccount"
        and record.get("provider") == settings.OIDC_PROVIDER_ID
        for record in get_authentication_records(request, request.user)
    )


def login_url(next_url=None):
    """The sign-in page, returning to `next_url`."""
    url = resolve_url(settings.LOGIN_URL)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def admin_login(request):
    """The admin's login page: sign-in is allauth's, with its second factor.

    Someone signed in who may not use the admin is told so, instead of being sent round.
    """
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated:
        return render(request, "account/no_admin_access.html", status=403)
    return HttpResponseRedirect(login_url(next_url or reverse("admin:index")))

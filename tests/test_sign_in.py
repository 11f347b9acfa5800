"""Signing in: with the province's account (OpenID Connect, against a real provider running
locally), its groups giving the roles; or, for break-glass use, a local password with a second
factor (TOTP, recovery codes) before any admin page; django-axes still locks out."""

import base64
import hashlib
import hmac
import re
import struct
import time
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import requests
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from limburg_maak.settings import oidc_group_map

from .identity_provider import GROUP_IDS

# Signing in with the province's account


class Forms(HTMLParser):
    """The forms of a page: [{"action": ..., "fields": {name: value}}], hidden fields included."""

    def __init__(self, page):
        super().__init__()
        self.forms = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": unescape(attrs.get("action") or ""), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def submit(session, response, action_part, **fields):
    """Submit the form of `response` whose action holds `action_part`, with `fields` filled in."""
    form = next(f for f in Forms(response.text).forms if action_part in f["action"])
    return session.post(urljoin(response.url, form["action"]), data={**form["fields"], **fields})


def sign_in_with_province(site, sub, session=None):
    """Sign in as `sub` with the province's account, from the admin's sign-in page; the
    session and the last response."""
    session = session or requests.Session()
    page = session.get(f"{site}/admin/")
    assert page.url.startswith(f"{site}/accounts/login/")
    response = submit(session, page, "/accounts/oidc/")
    if "/interaction/" in response.url:  # no sign-in at the provider yet: its login form
        response = submit(session, response, "/interaction/", login=sub, password="wat-dan-ook")
    return session, response


def user_named(django_user_model, username):
    return django_user_model.objects.get(username=username)


def roles(user):
    return set(user.groups.values_list("name", flat=True))


def test_the_province_account_signs_in_with_the_roles_of_its_groups(
    live_server, province_sign_in, django_user_model
):
    province_sign_in.set_account(
        "0a1b2c",
        email="j.jansen@prvlimburg.nl",
        name="Jan Jansen",
        preferred_username="j.jansen@prvlimburg.nl",
        groups=[GROUP_IDS["Redacteur"], "a-group-without-a-role"],
    )

    session, response = sign_in_with_province(live_server.url, "0a1b2c")

    assert response.status_code == 200
    assert response.url == f"{live_server.url}/admin/"
    assert "Welkom," in response.text and "<strong>Jan</strong>" in response.text
    user = user_named(django_user_model, "j.jansen@prvlimburg.nl")
    assert roles(user) == {"Redacteur"}
    assert user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    # As an editor: concept records are theirs to edit.
    assert session.get(f"{live_server.url}/admin/programs/program/add/").status_code == 200


def test_a_changed_claim_changes_the_roles_at_the_next_sign_in(
    live_server, province_sign_in, django_user_model
):
    account = {"email": "p.peters@prvlimburg.nl", "preferred_username": "p.peters"}
    province_sign_in.set_account(
        "3d4e5f", **account, groups=[GROUP_IDS["Redacteur"], GROUP_IDS["Publicist"]]
    )
    sign_in_with_province(live_server.url, "3d4e5f")
    user = user_named(django_user_model, "p.peters")
    assert roles(user) == {"Redacteur", "Publicist"}
    # A group that is no role is the admin's to give, and stays.
    user.groups.add(Group.objects.create(name="Nieuwsbrief"))

    province_sign_in.set_account("3d4e5f", **account, groups=[GROUP_IDS["Lezer"]])
    sign_in_with_province(live_server.url, "3d4e5f")
    assert roles(user) == {"Lezer", "Nieuwsbrief"}

    province_sign_in.set_account("3d4e5f", **account)  # no groups claim at all
    _session, response = sign_in_with_province(live_server.url, "3d4e5f")
    user.refresh_from_db()
    assert roles(user) == {"Nieuwsbrief"}
    assert not user.is_staff
    assert response.status_code == 403
    assert "Geen toegang tot het beheer" in response.text


def test_a_refused_token_signs_no_one_in(
    live_server, province_sign_in, settings, django_user_model
):
    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["secret"] = "een-fout-geheim"
    province_sign_in.set_account("6a7b8c", preferred_username="k.kok", groups=[])

    session, response = sign_in_with_province(live_server.url, "6a7b8c")

    assert response.url.startswith(f"{live_server.url}/accounts/oidc/entra/login/callback/")
    assert "Aanmelden mislukt" in response.text
    assert "U bent niet aangemeld" in response.text
    assert not django_user_model.objects.filter(username="k.kok").exists()
    assert session.get(f"{live_server.url}/admin/").url.startswith(
        f"{live_server.url}/accounts/login/"
    )


def test_a_forged_answer_from_the_provider_signs_no_one_in(live_server, province_sign_in):
    session = requests.Session()
    response = session.get(
        f"{live_server.url}/accounts/oidc/entra/login/callback/",
        params={"code": "nagemaakt", "state": "nagemaakt"},
    )
    assert "Aanmelden mislukt" in response.text
    assert session.get(f"{live_server.url}/admin/").url.startswith(
        f"{live_server.url}/accounts/login/"
    )


def test_without_a_second_factor_at_the_provider_the_sign_in_can_be_refused(
    live_server, province_sign_in, settings, django_user_model
):
    settings.OIDC_REQUIRE_MFA_CLAIM = True  # the local provider says nothing of `amr`
    province_sign_in.set_account("9d0e1f", preferred_username="l.lemmens", groups=[])

    _session, response = sign_in_with_province(live_server.url, "9d0e1f")

    assert response.status_code == 403
    assert "niet bevestigd met een tweede factor" in response.text
    assert not django_user_model.objects.filter(username="l.lemmens").exists()


def sign_out(site, session):
    page = session.get(f"{site}/accounts/logout/")
    return submit(session, page, "/accounts/logout/")


def test_signing_out_ends_the_session(live_server, province_sign_in):
    province_sign_in.set_account("2b3c4d", preferred_username="m.maas", groups=[])
    session, _response = sign_in_with_province(live_server.url, "2b3c4d")

    response = sign_out(live_server.url, session)

    assert response.url == f"{live_server.url}/"
    assert session.get(f"{live_server.url}/admin/").url.startswith(
        f"{live_server.url}/accounts/login/"
    )
    # The provider's own session goes on (single sign-on): signing in again asks nothing.
    _session, response = sign_in_with_province(live_server.url, "2b3c4d", session)
    assert response.status_code == 403  # back in, as a user without a role


def test_signing_out_can_sign_out_at_the_provider_too(live_server, province_sign_in, settings):
    settings.OIDC_LOGOUT_AT_PROVIDER = True
    province_sign_in.set_account("5e6f7a", preferred_username="n.nijs", groups=[])
    session, _response = sign_in_with_province(live_server.url, "5e6f7a")

    response = sign_out(live_server.url, session)
    assert response.url.startswith(f"{province_sign_in.issuer}/session/end")
    response = submit(session, response, "/session/end/confirm", logout="yes")

    assert response.url == f"{live_server.url}/"
    assert session.get(f"{live_server.url}/admin/").url.startswith(
        f"{live_server.url}/accounts/login/"
    )
    # Signed out at the provider: signing in again asks who you are.
    page = session.get(f"{live_server.url}/admin/")
    response = submit(session, page, "/accounts/oidc/")
    assert "/interaction/" in response.url


def test_the_group_map_is_read_from_the_environment():
    assert oidc_group_map(" 8d2e=Redacteur, Tracker.Lezer=Lezer ,") == {
        "8d2e": "Redacteur",
        "Tracker.Lezer": "Lezer",
    }
    with pytest.raises(ImproperlyConfigured, match="Beheerder"):
        oidc_group_map("8d2e=Beheerder")


def test_without_a_provider_there_is_no_button_for_it(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in page
    assert 'name="login"' in page and 'name="password"' in page


def test_with_a_provider_the_sign_in_page_offers_it_in_dutch(live_server, province_sign_in):
    page = requests.get(f"{live_server.url}/accounts/login/?next=/admin/").text
    assert "Aanmelden met Provincie Limburg" in page
    assert "/accounts/oidc/entra/login/?process=login&amp;next=%2Fadmin%2F" in page


# A local account: a password and a second factor


PASSWORD = "nood-wachtwoord-42"


@pytest.fixture
def break_glass(transactional_db, django_user_model):
    """A local superuser. Committed: allauth announces a new second factor once its
    transaction has committed (`transaction.on_commit`)."""
    return django_user_model.objects.create_superuser("nood", password=PASSWORD)


def totp(secret, offset=0):
    """The authenticator app's code for `secret` now (RFC 6238: SHA-1, 30 s, 6 digits)."""
    counter = int(time.time()) // 30 + offset
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[start : start + 4])[0] & 0x7FFFFFFF) % 1000000:06}"


def password_sign_in(client, password=PASSWORD, username="nood", **extra):
    return client.post(
        "/accounts/login/?next=/admin/", {"login": username, "password": password}, **extra
    )


def set_up_totp(client):
    """Set up TOTP as the sign-in asks; the secret and the recovery codes."""
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="authenticator_secret"\s+value="([A-Z2-7=]+)"', page).group(1)
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert response.status_code == 302, response.content.decode()
    codes = client.get(response["Location"]).content.decode()
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", codes, re.S).group(1)
    return secret, textarea.split()


def test_the_admin_link_goes_to_the_sign_in_page(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response["Location"])
    assert login.status_code == 302
    assert login["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    page = client.get(login["Location"])
    assert "Aanmelden" in page.content.decode()


def test_a_password_alone_reaches_no_admin_page(client, break_glass):
    response = password_sign_in(client)
    assert response.status_code == 302

    for path in ["/admin/", "/admin/auth/user/", "/admin/programs/program/add/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/totp/activate/"
    # Nor is the session signed in anywhere else: to the site and the API it is anonymous.
    assert "no-store" not in client.get("/api/v1/programs").get("Cache-Control", "")


def test_the_second_factor_is_set_up_then_asked_at_every_sign_in(client, break_glass):
    password_sign_in(client)
    secret, _codes = set_up_totp(client)
    assert is_mfa_enabled(break_glass)
    assert client.get("/admin/").status_code == 200  # the code just entered counts
    client.post("/accounts/logout/")

    response = password_sign_in(client)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # Between the password and the code, nobody is signed in.
    assert client.get("/admin/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong(totp(secret))})
    assert response.status_code == 200
    assert "Ongeldige code" in response.content.decode()

    response = client.post("/accounts/2fa/authenticate/", {"code": totp(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def wrong(code):
    return f"{(int(code) + 1) % 1000000:06}"


def test_a_recovery_code_works_once(client, break_glass):
    password_sign_in(client)
    _secret, codes = set_up_totp(client)
    assert len(codes) == 10
    client.post("/accounts/logout/")

    password_sign_in(client)
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.post("/accounts/logout/")

    password_sign_in(client)
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 200
    assert "Ongeldige code" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_wrong_passwords_still_lock_out(client, break_glass, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert password_sign_in(client, "fout").status_code == 200
    assert password_sign_in(client, "fout").status_code == 429
    assert password_sign_in(client).status_code == 429


def test_the_local_administrator_of_make_run_is_asked_for_a_second_factor(
    client, transactional_db, capsys
):
    from django.core.management import call_command

    call_command("ensure_local_admin")
    password = re.search(r"password '([^']+)'", capsys.readouterr().out).group(1)

    password_sign_in(client, password, username="admin")
    assert client.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," in page.content.decode()
    assert "img-src 'self' data:" in page["Content-Security-Policy"]


def test_a_complete_sign_in_clears_the_failures_before_it(client, break_glass, settings):
    password_sign_in(client)
    secret, _codes = set_up_totp(client)
    client.post("/accounts/logout/")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert password_sign_in(client, "fout").status_code == 200

    password_sign_in(client)
    client.post("/accounts/2fa/authenticate/", {"code": totp(secret)})
    assert client.get("/admin/").status_code == 200
    client.post("/accounts/logout/")

    # The count started again: as many failures again lock no one out yet.
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert password_sign_in(client, "fout").status_code == 200

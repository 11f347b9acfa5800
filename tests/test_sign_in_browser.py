"""Signing in, in a real browser (Debian's Chromium, driven by Playwright, in Dutch): with the
province's account through a real OpenID provider running locally, and with a local password
and TOTP. The site's Content-Security-Policy is enforced, as in production: the TOTP page's
QR code (a data: image) must show under it.

Needs /usr/bin/chromium, node_modules/axe-core and node_modules/oidc-provider (npm ci).
Without them the tests skip, unless REQUIRE_BROWSER=1 (as in CI): then they fail.
"""

import re

import pytest

from .identity_provider import GROUP_IDS
from .test_browser import axe_violations
from .test_sign_in import totp

pytestmark = pytest.mark.usefixtures("browser_requirements")

# allauth's English, which a Dutch page must not show.
ENGLISH = re.compile(
    r"\b(Sign [Ii]n|Sign [Oo]ut|Password|Username|Activate|"
    r"Two-Factor|Recovery [Cc]odes|Forgot)\b"
)


@pytest.fixture
def page(browser, settings):
    """A Dutch tab with the site's CSP enforced; the CSP violations it reports."""
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_SECURE = False
    context = browser.new_context(locale="nl-NL")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.csp_violations = []
    tab.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and tab.csp_violations.append(message.text)
        ),
    )
    yield tab
    context.close()


def assert_dutch(page):
    text = page.locator("main").inner_text()
    assert not ENGLISH.search(text), text


def test_signing_in_with_the_province_account_into_the_admin(
    page, live_server, province_sign_in, django_user_model
):
    province_sign_in.set_account(
        "7c8d9e",
        email="r.rutten@prvlimburg.nl",
        name="Ria Rutten",
        given_name="Ria",
        preferred_username="r.rutten@prvlimburg.nl",
        groups=[GROUP_IDS["Publicist"]],
    )
    page.goto(f"{live_server.url}/admin/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.locator("h1").inner_text() == "Aanmelden"
    assert_dutch(page)

    page.get_by_role("button", name="Aanmelden met Provincie Limburg").click()
    # The provider's own sign-in page (oidc-provider's development form).
    page.wait_for_url(f"{province_sign_in.issuer}/interaction/**")
    page.locator("input[name=login]").fill("7c8d9e")
    page.locator("input[name=password]").fill("wat-dan-ook")
    page.locator("button[type=submit]").click()

    page.wait_for_url(f"{live_server.url}/admin/")
    assert "Beleid, geld en toezeggingen" in page.locator("h1").inner_text()
    user = django_user_model.objects.get(username="r.rutten@prvlimburg.nl")
    assert set(user.groups.values_list("name", flat=True)) == {"Publicist"}
    assert page.csp_violations == []


def test_setting_up_totp_and_signing_in_with_it(
    page, live_server, transactional_db, django_user_model
):
    django_user_model.objects.create_superuser("nood", password="nood-wachtwoord-42")

    def sign_in_with_password():
        page.goto(f"{live_server.url}/admin/")
        page.get_by_label("Gebruikersnaam").fill("nood")
        page.get_by_label("Wachtwoord").fill("nood-wachtwoord-42")
        page.get_by_role("button", name="Aanmelden", exact=True).click()

    sign_in_with_password()
    # A password alone reaches no admin page: first the second factor.
    page.wait_for_url(f"{live_server.url}/accounts/2fa/totp/activate/")
    assert_dutch(page)
    qr_code = page.locator("main form img")
    assert qr_code.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert qr_code.evaluate("image => image.complete && image.naturalWidth > 0")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp(secret))
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(f"{live_server.url}/accounts/2fa/recovery-codes/")
    assert_dutch(page)
    assert len(page.locator("#recovery_codes").input_value().split()) == 10
    page.get_by_role("link", name="Naar het beheer").click()
    page.wait_for_url(f"{live_server.url}/admin/")

    page.get_by_role("button", name="Afmelden").click()
    sign_in_with_password()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    assert_dutch(page)
    page.get_by_label("Code").fill("000000")
    page.locator("main form button[type=submit]").first.click()
    assert "Ongeldige code" in page.locator("main").inner_text()
    page.get_by_label("Code").fill(totp(secret))
    page.locator("main form button[type=submit]").first.click()

    page.wait_for_url(f"{live_server.url}/admin/")
    assert "Beleid, geld en toezeggingen" in page.locator("h1").inner_text()
    assert page.csp_violations == []


def test_the_sign_in_pages_pass_axe(browser, live_server, transactional_db, django_user_model):
    """axe-core on the sign-in page and the TOTP set-up page (its script needs the CSP off)."""
    django_user_model.objects.create_superuser("nood", password="nood-wachtwoord-42")
    context = browser.new_context(bypass_csp=True, locale="nl-NL")
    tab = context.new_page()
    tab.goto(f"{live_server.url}/accounts/login/?next=/admin/")
    findings = [f"login: {finding}" for finding in axe_violations(tab)]
    tab.get_by_label("Gebruikersnaam").fill("nood")
    tab.get_by_label("Wachtwoord").fill("nood-wachtwoord-42")
    tab.get_by_role("button", name="Aanmelden", exact=True).click()
    tab.wait_for_url(f"{live_server.url}/accounts/2fa/totp/activate/")
    findings += [f"TOTP: {finding}" for finding in axe_violations(tab)]
    context.close()
    assert findings == []

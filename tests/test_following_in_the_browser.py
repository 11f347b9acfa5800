"""Following as a council member does it, in Debian's Chromium on a phone's width: from a
commitment's page, confirmed by the link in the mail the SMTP server received, unsubscribed
by the link in that mail."""

import re

import pytest

from subscriptions.models import Subscriber

from .mailbox import link_in

pytestmark = pytest.mark.usefixtures("browser_requirements")

ADDRESS = "statenlid@example.nl"


def test_follow_a_commitment_confirm_by_mail_and_unsubscribe(browser, memo_site, smtp, settings):
    from playwright.sync_api import expect

    settings.SITE_URL = memo_site
    context = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    heading = page.get_by_role("heading", level=1)

    page.goto(f"{memo_site}/toezeggingen/toezegging-1886")
    page.get_by_role("link", name=re.compile("^Volgen")).click()
    page.get_by_label("Uw e-mailadres").fill(ADDRESS)
    page.get_by_label("Hoe vaak wilt u een overzicht?").select_option("wekelijks")
    page.get_by_role("button", name="Stuur mij een bevestigingsmail").click()
    expect(heading).to_have_text("Bevestig in uw e-mail")

    [confirmation] = smtp.to(ADDRESS)
    page.goto(memo_site + link_in(confirmation, "/volgen/bevestigen/", memo_site))
    page.get_by_role("button", name="Ja, bevestigen").click()
    expect(page.get_by_role("status")).to_have_text("Bevestigd: u volgt het nu.")
    expect(page.get_by_text(re.compile("^Toezegging 1886: "))).to_be_visible()
    expect(page.get_by_label("Hoe vaak")).to_have_value("wekelijks")

    page.goto(memo_site + link_in(confirmation, "/volgen/afmelden/", memo_site))
    page.get_by_role("button", name="Uitschrijven voor alles").click()
    expect(heading).to_have_text("Uitgeschreven")
    assert not Subscriber.objects.exists()
    context.close()

"""The admin as a civil servant uses it: Debian's Chromium with a Dutch locale, signed in as an
editor who may publish, typing the way Dutch people type."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from budgets.models import BudgetLine, Subsidy
from programs.models import Commitment
from tests.admin_forms import admin_url
from tests.factories import BudgetLineFactory, CommitmentFactory, ProgramFactory, SubsidyFactory

pytestmark = pytest.mark.usefixtures("browser_requirements")


@pytest.fixture
def publicist_page(browser, memo_site, django_user_model):
    """A Dutch browser page signed in as someone who may publish, at 1280 px."""
    user = django_user_model.objects.create_user("beheerder", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": memo_site,
            }
        ]
    )
    page = context.new_page()
    yield page
    context.close()


def test_an_amount_typed_with_a_dutch_comma_is_saved_as_typed(publicist_page, memo_site):
    page = publicist_page
    line = BudgetLine.objects.get(document__slug="sterke-maakindustrie-2015", position=1)
    page.goto(memo_site + admin_url(BudgetLine, "change", line.pk))

    amount = page.locator("input[name=amount]")
    amount.fill("")
    amount.press_sequentially("100000,50")
    preview = page.locator("#id_amount_gelezen")
    preview.filter(has_text="€ 100.000,50").wait_for()
    assert preview.inner_text() == "= € 100.000,50 (€ 0,1 mln)"
    page.fill("textarea[name=change_reason]", "Bedrag volgens de beschikking")
    page.click("input[name=_continue]")

    page.locator(".messagelist").wait_for()
    assert "bedrag (euro) € 100.000,50 (€ 0,1 mln)" in page.locator(".messagelist").inner_text()
    line.refresh_from_db()
    assert line.amount == Decimal("100000.50")


def test_the_preview_says_how_to_write_an_ambiguous_amount(publicist_page, memo_site):
    page = publicist_page
    line = BudgetLine.objects.get(document__slug="sterke-maakindustrie-2015", position=1)
    page.goto(memo_site + admin_url(BudgetLine, "change", line.pk))

    page.locator("input[name=amount]").fill("2,500")

    preview = page.locator("#id_amount_gelezen.money-preview--error")
    preview.wait_for()
    assert "Schrijf 2.500 voor duizendtallen, of 2,50" in preview.inner_text()


@pytest.mark.parametrize("model", [BudgetLine, Commitment, Subsidy])
def test_the_lists_fit_1280_pixels(publicist_page, memo_site, model):
    long_name = (
        "Programma voor de versterking van de Limburgse maakindustrie en haar toeleveranciers"
    )
    program = ProgramFactory(name=long_name)
    BudgetLineFactory(program=program, label=long_name)
    SubsidyFactory(instrument=program)
    CommitmentFactory(title=long_name, deadline="2015")
    page = publicist_page

    page.goto(memo_site + admin_url(model, "changelist"))

    widths = page.evaluate(
        "() => [document.querySelector('#result_list').scrollWidth,"
        " document.querySelector('.results').clientWidth, document.documentElement.scrollWidth]"
    )
    table, room, whole_page = widths
    assert table <= room
    assert whole_page <= 1280

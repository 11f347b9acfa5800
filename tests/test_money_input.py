"""Amounts typed the way civil servants type them, read by one parser in the admin and the import,
refused when they could mean two amounts, and said back before and after saving."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from budgets.models import BudgetLine, ContributionKind, Subsidy
from common.formats import PRO_MEMORIE, MoneyError, parse_money
from programs.models import Program
from tests.admin_forms import admin_url, browser_form
from tests.factories import SubsidyFactory
from tests.test_spreadsheet_import import (
    LINE_HEADER,
    MEMO,
    csv_bytes,
    import_all,
    invalid_rows,
    preview,
)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("8,9 mln", Decimal("8900000")),
        ("0,55 miljoen", Decimal("550000")),
        ("2 mld", Decimal("2000000000")),
        ("8.900.000", Decimal("8900000")),
        ("250.000", Decimal("250000")),
        ("100000,50", Decimal("100000.50")),
        ("8900000,50", Decimal("8900000.50")),
        ("€ 1.234,56", Decimal("1234.56")),
        ("€\u00a01.234,56", Decimal("1234.56")),
        ("1.234.567,8", Decimal("1234567.80")),
        ("8900000.00", Decimal("8900000")),
        ("1,234 mln", Decimal("1234000")),
        ("1234 euro", Decimal("1234")),
    ],
)
def test_dutch_and_plain_amounts_are_read_exactly(typed, amount):
    assert parse_money(typed) == amount


@pytest.mark.parametrize("typed", ["PM", "pm", "p.m.", " PM "])
def test_pm_is_read_as_pro_memorie(typed):
    assert parse_money(typed) is PRO_MEMORIE


@pytest.mark.parametrize(
    ("typed", "advice"),
    [
        ("1,234", "Schrijf 1.234 voor duizendtallen, of 1,23 voor een bedrag met centen"),
        ("1,234.56", "Schrijf 1.234,56"),
        ("1,234,567", "Schrijf 1.234.567"),
        ("1.500 mln", "Schrijf 1,5 mln, of het hele bedrag zonder mln"),
        ("1,2345", "meer dan twee cijfers achter de komma"),
        ("acht ton", "Schrijf bijvoorbeeld 8,9 mln, 8.900.000 of 1.234,56"),
        ("12 k", "Schrijf bijvoorbeeld 8,9 mln"),
    ],
)
def test_an_amount_that_could_mean_two_amounts_is_refused_with_how_to_write_it(typed, advice):
    with pytest.raises(MoneyError, match=advice):
        parse_money(typed)


def test_pm_is_refused_where_an_amount_cannot_be_pm():
    with pytest.raises(MoneyError, match="PM past hier niet"):
        parse_money("PM", pm_allowed=False)


def change_line(admin_client, line, **changes):
    data = browser_form(admin_client.get(admin_url(BudgetLine, "change", line.pk)), BudgetLine)
    data.update({"change_reason": "correctie", **changes})
    return admin_client.post(admin_url(BudgetLine, "change", line.pk), data, follow=True)


@pytest.fixture
def subsidy(db):
    return SubsidyFactory()


def memo_line(memo):
    return BudgetLine.objects.get(document__slug="sterke-maakindustrie-2015", position=1)


@pytest.mark.parametrize(
    ("typed", "saved", "said"),
    [
        ("100000,50", Decimal("100000.50"), "€ 100.000,50 (€ 0,1 mln)"),
        ("250.000", Decimal("250000.00"), "€ 250.000 (€ 0,25 mln)"),
        ("8,9 mln", Decimal("8900000.00"), "€ 8.900.000 (€ 8,9 mln)"),
        ("€ 1.234,56", Decimal("1234.56"), "€ 1.234,56"),
    ],
)
def test_an_amount_typed_the_dutch_way_is_saved_as_typed_and_said_back(
    admin_client, memo, typed, saved, said
):
    line = memo_line(memo)

    response = change_line(admin_client, line, amount=typed)

    line.refresh_from_db()
    assert line.amount == saved
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert f"'{line}' is opgeslagen met bedrag (euro) {said}." in notes


def test_an_ambiguous_amount_is_a_form_error_and_nothing_is_saved(admin_client, memo):
    line = memo_line(memo)

    response = change_line(admin_client, line, amount="1,250")

    assert response.status_code == 200
    assert "kan twee bedragen zijn" in response.content.decode()
    assert "Schrijf 1.250 voor duizendtallen" in response.content.decode()
    line.refresh_from_db()
    assert line.amount == Decimal("8900000.00")


def test_pm_typed_as_the_amount_makes_a_pm_line(admin_client, memo):
    line = memo_line(memo)

    change_line(admin_client, line, amount="PM")

    line.refresh_from_db()
    assert (line.contribution_kind, line.amount) == (ContributionKind.PM, None)


def test_pm_with_a_contribution_paid_by_others_is_refused(admin_client, memo):
    line = memo_line(memo)

    response = change_line(admin_client, line, amount="PM", contribution_kind="derden", funder="eu")

    assert "Bij &#x27;op kosten van derden&#x27; hoort geen bedrag en geen PM." in (
        response.content.decode()
    )
    line.refresh_from_db()
    assert line.contribution_kind == ContributionKind.AMOUNT


def test_the_amount_field_is_a_text_field_showing_the_dutch_amount(admin_client, memo):
    html = admin_client.get(admin_url(BudgetLine, "change", memo_line(memo).pk)).content.decode()

    assert 'type="text" name="amount" value="8.900.000"' in html
    assert 'inputmode="decimal"' in html
    assert 'type="number" name="amount"' not in html


def test_every_money_field_of_a_subsidy_reads_dutch_amounts(admin_client, memo, subsidy):
    data = browser_form(admin_client.get(admin_url(Subsidy, "change", subsidy.pk)), Subsidy)
    data.update({"granted_amount": "12.500,25", "project_volume": "0,1 mln", "change_reason": "x"})

    response = admin_client.post(admin_url(Subsidy, "change", subsidy.pk), data, follow=True)

    subsidy.refresh_from_db()
    assert (subsidy.granted_amount, subsidy.project_volume) == (
        Decimal("12500.25"),
        Decimal("100000.00"),
    )
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert (
        f"'{subsidy}' is opgeslagen met verleend bedrag (euro) € 12.500,25 (€ 0,01 mln); "
        "vastgesteld bedrag (euro) leeg; projectvolume (euro) € 100.000 (€ 0,1 mln)."
    ) in notes


def test_a_subsidy_amount_cannot_be_pm(admin_client, memo, subsidy):
    data = browser_form(admin_client.get(admin_url(Subsidy, "change", subsidy.pk)), Subsidy)
    data.update({"granted_amount": "PM", "change_reason": "x"})

    response = admin_client.post(admin_url(Subsidy, "change", subsidy.pk), data)

    assert "PM past hier niet" in response.content.decode()


def test_budget_lines_edited_on_their_program_read_dutch_amounts(admin_client, memo):
    program = Program.objects.get(slug="limburgmakers")
    url = admin_url(Program, "change", program.pk)
    data = browser_form(admin_client.get(url), Program)
    data.update({"budget_lines-0-amount": "100000,50", "change_reason": "correctie"})

    response = admin_client.post(url, data, follow=True)

    line = memo_line(memo)
    assert line.amount == Decimal("100000.50")
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert f"'{line}' is opgeslagen met bedrag (euro) € 100.000,50 (€ 0,1 mln)." in notes


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("100000,50", {"amount": "€ 100.000,50 (€ 0,1 mln)"}),
        ("PM", {"amount": "PM"}),
        ("", {"amount": ""}),
    ],
)
def test_the_preview_reads_an_amount_as_the_form_will(admin_client, typed, answer):
    response = admin_client.get(reverse("money-preview"), {"bedrag": typed})

    assert response.json() == answer


def test_the_preview_says_how_to_write_an_ambiguous_amount(admin_client):
    response = admin_client.get(reverse("money-preview"), {"bedrag": "1,234"})

    assert "kan twee bedragen zijn" in response.json()["error"]


def test_the_preview_is_for_staff_only(client):
    response = client.get(reverse("money-preview"), {"bedrag": "1"})

    assert response.status_code == 302


# The import reads amounts with the same parser


def test_the_import_reads_amounts_as_the_admin_does(admin_client, memo):
    rows = [
        LINE_HEADER,
        [f"{MEMO}-18", "In miljoenen", "limburgmakers", "bedrag", "8,9 mln"],
        [f"{MEMO}-19", "Met punten", "limburgmakers", "bedrag", "250.000"],
        [f"{MEMO}-20", "Nog onbekend", "limburgmakers", "", "PM"],
    ]

    import_all(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    lines = BudgetLine.objects.filter(document__slug=MEMO, position__gte=18)
    assert [(line.contribution_kind, line.amount) for line in lines] == [
        (ContributionKind.AMOUNT, Decimal("8900000.00")),
        (ContributionKind.AMOUNT, Decimal("250000.00")),
        (ContributionKind.PM, None),
    ]


def test_the_import_refuses_an_ambiguous_amount_with_how_to_write_it(admin_client, memo):
    rows = [LINE_HEADER, [f"{MEMO}-18", "Dubbelzinnig", "limburgmakers", "bedrag", "1,250"]]

    previewed = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    errors = invalid_rows(previewed)[2]["bedrag (euro)"]
    assert any("Schrijf 1.250 voor duizendtallen, of 1,25" in error for error in errors)
    assert not BudgetLine.objects.filter(document__slug=MEMO, position=18).exists()

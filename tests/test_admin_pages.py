"""Admin pages: every registered model's pages answer, and edits go through the Dutch forms.

Forms are posted the way a browser posts them: the fields are read from the rendered HTML
of the page (inline management forms included), so a field the page does not show is not
posted either.
"""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.html import escape

from budgets.models import BudgetLine, ContributionKind, Subsidy
from common.fuzzydates import FuzzyDate, Precision
from limburg_maak.models import ApiToken
from programs.models import (
    Action,
    BudgetProgram,
    Commitment,
    Document,
    Indicator,
    Organisation,
    Person,
    Program,
    ProgramLine,
    ProgramOrganisation,
    PublicationStatus,
    Theme,
)

from . import factories
from .admin_forms import admin_url, browser_form, label

REGISTERED = [model for model in apps.get_models() if admin.site.is_registered(model)]
# Made by the sign-in (allauth): links to the identity provider and second factors.
SIGN_IN_APPS = {"socialaccount", "mfa"}
# Our own models and the users and groups; django-axes's read-only lockout log and the
# sign-in's records are checked below.
REGISTERED_MODELS = sorted(
    (model for model in REGISTERED if model._meta.app_label not in {"axes", *SIGN_IN_APPS}),
    key=lambda model: model._meta.label,
)
LOCKOUT_MODELS = [model for model in REGISTERED if model._meta.app_label == "axes"]
SIGN_IN_MODELS = [model for model in REGISTERED if model._meta.app_label in SIGN_IN_APPS]
HISTORY_MODELS = [model for model in REGISTERED_MODELS if hasattr(model, "history")]

# How to make a record of a registered model when the memo has none.
MAKERS = {
    Group: lambda: Group.objects.create(name="Redactie"),
    ApiToken: lambda: ApiToken.issue("Test", get_user_model().objects.create_user("systeem"))[0],
    Document: factories.DocumentFactory,
    Theme: factories.ThemeFactory,
    Organisation: factories.OrganisationFactory,
    BudgetProgram: factories.BudgetProgramFactory,
    ProgramLine: factories.ProgramLineFactory,
    Program: factories.ProgramFactory,
    ProgramOrganisation: factories.ProgramOrganisationFactory,
    Person: factories.PersonFactory,
    Commitment: factories.CommitmentFactory,
    Action: factories.ActionFactory,
    Indicator: factories.IndicatorFactory,
    BudgetLine: factories.BudgetLineFactory,
    Subsidy: factories.SubsidyFactory,
}


def existing_record(model):
    """A record of `model`: the memo's first, or a new one when the memo has none."""
    record = model._default_manager.order_by("pk").first()
    if record is not None:
        return record
    if model not in MAKERS:
        pytest.fail(f"No record of {label(model)} and no factory for it in MAKERS.")
    return MAKERS[model]()


def errors_of(response):
    form = response.context["adminform"].form
    return form.errors


# Every registered model


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=label)
def test_changelist_answers(memo, admin_client, model):
    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=label)
def test_changelist_search_answers(memo, admin_client, model):
    response = admin_client.get(admin_url(model, "changelist"), {"q": "limburg"})

    assert response.status_code == 200
    assert response.context["cl"].query == "limburg"


@pytest.mark.parametrize("model", LOCKOUT_MODELS, ids=label)
def test_lockout_log_is_readable_not_writable(admin_client, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 403


@pytest.mark.parametrize("model", SIGN_IN_MODELS, ids=label)
def test_sign_in_records_are_readable_not_writable(admin_client, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "changelist"), {"q": "x"}).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 403


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=label)
def test_add_page_answers(memo, admin_client, model):
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=label)
def test_change_page_of_a_record_answers(memo, admin_client, model):
    record = existing_record(model)

    response = admin_client.get(admin_url(model, "change", record.pk))

    assert response.status_code == 200
    assert response.context["original"] == record


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=label)
def test_saving_a_record_unchanged_records_history_with_the_user(
    memo, admin_client, admin_user, model
):
    record = existing_record(model)
    url = admin_url(model, "change", record.pk)
    data = browser_form(admin_client.get(url), model)
    before = model.history.filter(id=record.pk).count()

    response = admin_client.post(url, {**data, "_save": "Opslaan"})

    assert response.status_code == 302, errors_of(response)
    entries = model.history.filter(id=record.pk).order_by("-history_id")
    assert entries.count() == before + 1
    assert entries[0].history_type == "~"
    assert entries[0].history_user == admin_user


# Budget lines


def test_budget_line_changelist_shows_money_the_dutch_way(memo, admin_client):
    response = admin_client.get(admin_url(BudgetLine, "changelist"))

    cells = re.findall(r'<td class="field-contribution">(.*?)</td>', response.content.decode())
    assert [unescape(cell) for cell in cells] == [
        "€ 8,9 mln",
        "op kosten EU",
        "€ 0,1 mln",
        "€ 1,2 mln",
        "€ 6,0 mln",
        "€ 30,0 mln",
        "€ 20,0 mln",
        "PM",
        "PM",
        "€ 6,8 mln",
        "PM",
        "€ 4,0 mln",
        "€ 0,02 mln",
        "€ 0,55 mln",
        "PM",
        "PM",
        "PM",
    ]


def budget_line_add_form(admin_client, memo, **values):
    data = browser_form(admin_client.get(admin_url(BudgetLine, "add")), BudgetLine)
    data.update(
        {
            "document": str(memo.pk),
            "position": "18",
            "label": "Nieuwe regeling",
            "program": str(Program.objects.get(slug="limburgmakers").pk),
            "contribution_kind": ContributionKind.AMOUNT,
            "amount": "250000.00",
            "funder": "provincie",
            "publication_status": PublicationStatus.CONCEPT,
            "_save": "Opslaan",
        }
    )
    data.update(values)
    return data


def test_budget_line_with_an_amount_is_saved_with_history_of_the_user(
    memo, admin_client, admin_user
):
    data = budget_line_add_form(admin_client, memo)

    response = admin_client.post(admin_url(BudgetLine, "add"), data)

    assert response.status_code == 302, errors_of(response)
    line = BudgetLine.objects.get(document=memo, position=18)
    assert line.amount == Decimal("250000.00")
    entry = line.history.get()
    assert entry.history_type == "+"
    assert entry.history_user == admin_user


def test_pm_budget_line_with_an_amount_is_refused(memo, admin_client):
    data = budget_line_add_form(admin_client, memo, contribution_kind=ContributionKind.PM)
    count = BudgetLine.objects.count()

    response = admin_client.post(admin_url(BudgetLine, "add"), data)

    assert response.status_code == 200
    assert "amount" in errors_of(response)
    assert escape("Bij PM of op kosten van derden hoort geen bedrag.") in response.content.decode()
    assert BudgetLine.objects.count() == count
    assert not BudgetLine.history.filter(document=memo, position=18).exists()


# Programs


def test_program_change_page_shows_budget_lines_and_the_fuzzy_date_text(memo, admin_client):
    program = Program.objects.get(slug="limburgmakers")

    response = admin_client.get(admin_url(Program, "change", program.pk))

    assert response.status_code == 200
    inlines = {
        inline.formset.prefix: inline.formset
        for inline in response.context["inline_admin_formsets"]
    }
    lines = [form.instance for form in inlines["budget_lines"].forms]
    assert [(line.position, line.label, line.amount) for line in lines] == [
        (1, "Programma LimburgMakers", Decimal("8900000.00"))
    ]
    html = response.content.decode()
    assert re.search(r'<input type="text" name="budget_lines-0-amount" value="8.900.000"', html)
    assert re.search(r'<input type="text" name="start" value="medio 2013"[^>]*id="id_start"', html)


def program_add_form(admin_client, **values):
    data = browser_form(admin_client.get(admin_url(Program, "add")), Program)
    data.update(
        {
            "slug": "nieuw-programma",
            "name": "Nieuw programma",
            "kind": Program.Kind.PROGRAM,
            "status": Program.Status.PLANNED,
            "publication_status": PublicationStatus.CONCEPT,
            "_save": "Opslaan",
        }
    )
    data.update(values)
    return data


def test_add_form_posts_the_inline_management_forms(memo, admin_client):
    data = program_add_form(admin_client)

    for prefix in ("roles", "budget_lines", "subsidies"):
        assert data[f"{prefix}-TOTAL_FORMS"] == ["0"]
        assert data[f"{prefix}-INITIAL_FORMS"] == ["0"]


def test_program_saved_in_admin_stores_fuzzy_dates_from_dutch_text(memo, admin_client, admin_user):
    data = program_add_form(admin_client, start="najaar 2015", end="eind 2016")

    response = admin_client.post(admin_url(Program, "add"), data)

    assert response.status_code == 302, errors_of(response)
    program = Program.objects.get(slug="nieuw-programma")
    assert program.start_date == datetime.date(2015, 9, 1)
    assert program.start_precision == Precision.SEASON
    assert program.end_date == datetime.date(2016, 9, 1)
    assert program.end_precision == Precision.LATE
    entry = program.history.get()
    assert entry.history_type == "+"
    assert entry.history_user == admin_user


def test_unreadable_fuzzy_date_is_a_form_error_and_nothing_is_saved(memo, admin_client):
    data = program_add_form(admin_client, start="ergens volgend jaar")
    count = Program.objects.count()

    response = admin_client.post(admin_url(Program, "add"), data)

    assert response.status_code == 200
    assert "start" in errors_of(response)
    message = "Onbekende datum of periode 'ergens volgend jaar'. Bijvoorbeeld: 'medio 2016'."
    assert escape(message) in response.content.decode()
    assert Program.objects.count() == count
    assert not Program.history.filter(slug="nieuw-programma").exists()


def post_program_unchanged(admin_client, program):
    url = admin_url(Program, "change", program.pk)
    data = browser_form(admin_client.get(url), Program)
    return admin_client.post(url, {**data, "_save": "Opslaan"})


def test_saving_a_program_keeps_the_period_of_its_budget_lines(memo, admin_client):
    program = factories.ProgramFactory()
    line = factories.BudgetLineFactory(program=program, start="2015", end="eind 2016")

    response = post_program_unchanged(admin_client, program)

    assert response.status_code == 302, errors_of(response)
    line.refresh_from_db()
    assert line.start == FuzzyDate(datetime.date(2015, 1, 1), Precision.YEAR)
    assert line.end == FuzzyDate(datetime.date(2016, 9, 1), Precision.LATE)


def test_saving_a_program_keeps_the_grant_date_of_its_subsidies(memo, admin_client):
    program = factories.ProgramFactory()
    subsidy = factories.SubsidyFactory(instrument=program, granted_on="april 2015")

    response = post_program_unchanged(admin_client, program)

    assert response.status_code == 302, errors_of(response)
    subsidy.refresh_from_db()
    assert subsidy.granted_on == FuzzyDate(datetime.date(2015, 4, 1), Precision.MONTH)

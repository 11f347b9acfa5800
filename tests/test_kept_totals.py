"""The budget lines' totals are kept on write: whatever path changes a line, its document or its
program, the kept totals equal the totals added up afresh from the lines."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from budgets.filters import (
    BudgetLineFilter,
    BudgetTotalFilter,
    SubsidyFilter,
    SubsidyTotalFilter,
)
from budgets.models import (
    BudgetLine,
    BudgetTotal,
    ContributionKind,
    Funder,
    Subsidy,
    SubsidyTotal,
)
from common.fuzzydates import FuzzyDate, Precision
from programs.models import Document, Program, PublicationStatus, Theme
from website.dashboard import Dashboard

from .api_writes import change
from .factories import BudgetLineFactory, ProgramFactory, ThemeFactory
from .test_api_writes import key_for  # noqa: F401 (fixture)
from .test_spreadsheet_import import LINE_HEADER, MEMO, csv_bytes, import_all

pytestmark = pytest.mark.django_db

PERIODS = [
    {},
    {"periodFrom": "2016"},
    {"periodUntil": "2015"},
    {"periodFrom": "2015", "periodUntil": "2016"},
]
GROUPS = ["program", "funder", "program__themes", "contribution_kind"]


def kept_rows():
    rows = []
    for model in (BudgetTotal, SubsidyTotal):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        rows.append(sorted(model.objects.values_list(*fields), key=repr))
    return rows


def subsidy_figures(subsidies):
    return subsidies.granted().aggregate(
        count=Count("pk"),
        amount=Sum("granted_amount"),
        volume=Sum("project_volume"),
        amount_unknown=Count("pk", filter=Q(granted_amount__isnull=True)),
        volume_unknown=Count("pk", filter=Q(project_volume__isnull=True)),
    )


def assert_kept_totals_are_fresh(*users):
    """The kept rows are what counting every line afresh gives, and every figure the dashboard
    reads from them (per program, funder, theme and kind, over every period filter) is what
    adding up the lines gives, for the public and for staff."""
    kept = kept_rows()
    BudgetTotal.objects.recount()
    SubsidyTotal.objects.recount()
    assert kept == kept_rows()
    for user in (AnonymousUser(), *users):
        request = RequestFactory().get("/")
        request.user = user
        for query in PERIODS:
            totals = BudgetTotalFilter(
                query, queryset=BudgetTotal.objects.visible_to(user), request=request
            ).qs
            lines = BudgetLineFilter(
                query, queryset=BudgetLine.objects.visible_to(user), request=request
            ).qs
            assert totals.totals() == lines.totals(), query
            for field in GROUPS:
                assert totals.totals_by(field) == lines.totals_by(field), (query, field)
        for query in [*PERIODS, {"theme": "financiering"}, {"status": "verleend"}]:
            kept = SubsidyTotalFilter(query, queryset=SubsidyTotal.objects.visible_to(user))
            subsidies = SubsidyFilter(query, queryset=Subsidy.objects.visible_to(user))
            assert kept.qs.granted().figures() == subsidy_figures(subsidies.qs), query
        annexes = BudgetTotal.objects.visible_to(user).of_documents()
        assert annexes.totals_by("document") == BudgetLine.objects.visible_to(user).totals_by(
            "document"
        )


def test_the_memo_loaded_by_load_memo_has_its_totals_kept(admin_user):
    call_command("load_memo", verbosity=0)

    assert BudgetTotal.objects.exists()
    assert SubsidyTotal.objects.exists()
    assert_kept_totals_are_fresh(admin_user)


def test_saving_moving_and_deleting_lines_keeps_the_totals(memo, admin_user):
    other = ProgramFactory()
    line = BudgetLine.objects.filter(document=memo).order_by("position").first()
    line.amount += Decimal("1000.50")
    line.save()
    assert_kept_totals_are_fresh(admin_user)

    line.program = other
    line.start = FuzzyDate(datetime.date(2015, 1, 1), Precision.YEAR)
    line.save()
    assert_kept_totals_are_fresh(admin_user)

    line.contribution_kind, line.amount = ContributionKind.PM, None
    line.save()
    BudgetLineFactory(
        document=memo,
        position=90,
        program=other,
        contribution_kind=ContributionKind.EXTERNAL,
        amount=None,
        funder=Funder.EU,
    )
    assert_kept_totals_are_fresh(admin_user)

    line.delete()
    assert_kept_totals_are_fresh(admin_user)
    assert not BudgetTotal.objects.filter(program=other, contribution_kind="pm").exists()


def test_saving_moving_and_deleting_subsidies_keeps_the_totals(memo, admin_user):
    subsidy = Subsidy.objects.granted().order_by("slug").first()
    other = ProgramFactory(kind=Program.Kind.SCHEME)
    subsidy.granted_amount = None
    subsidy.save()
    assert_kept_totals_are_fresh(admin_user)

    subsidy.instrument = other
    subsidy.project_volume = Decimal("750000.00")
    subsidy.save()
    assert_kept_totals_are_fresh(admin_user)

    subsidy.status = Subsidy.Status.WITHDRAWN
    subsidy.save()
    assert_kept_totals_are_fresh(admin_user)

    subsidy.delete()
    assert_kept_totals_are_fresh(admin_user)
    assert not SubsidyTotal.objects.filter(instrument=other).exists()


@pytest.mark.parametrize("record", ["subsidy", "instrument", "recipient"])
def test_unpublishing_and_publishing_keeps_the_public_subsidy_figures(memo, admin_user, record):
    subsidy = Subsidy.objects.granted().order_by("slug").first()
    target = {"subsidy": subsidy, "instrument": subsidy.instrument, "recipient": subsidy.recipient}
    target = target[record]
    kept = SubsidyTotal.objects.visible_to(AnonymousUser()).granted()
    public_before = kept.figures()

    target.publication_status = PublicationStatus.CONCEPT
    target.save()
    assert_kept_totals_are_fresh(admin_user)
    assert kept.figures() != public_before

    target.publication_status = PublicationStatus.PUBLISHED
    target.save()
    assert_kept_totals_are_fresh(admin_user)
    assert kept.figures() == public_before


@pytest.mark.parametrize("record", ["line", "document", "program"])
def test_unpublishing_and_publishing_keeps_the_public_totals(memo, admin_user, record):
    line = BudgetLine.objects.filter(document=memo).order_by("position").first()
    target = {"line": line, "document": memo, "program": line.program}[record]
    public_before = BudgetTotal.objects.visible_to(AnonymousUser()).totals()

    target.publication_status = PublicationStatus.CONCEPT
    target.save()
    assert_kept_totals_are_fresh(admin_user)
    assert BudgetTotal.objects.visible_to(AnonymousUser()).totals() != public_before

    target.publication_status = PublicationStatus.PUBLISHED
    target.save()
    assert_kept_totals_are_fresh(admin_user)
    assert BudgetTotal.objects.visible_to(AnonymousUser()).totals() == public_before


def test_a_program_moved_to_another_theme_moves_its_totals(memo, admin_user):
    program = Program.objects.filter(budget_lines__isnull=False).first()
    theme = ThemeFactory()

    program.themes.set([theme])
    assert_kept_totals_are_fresh(admin_user)
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    by_theme = BudgetTotalFilter(
        {"theme": theme.slug}, queryset=BudgetTotal.objects.visible_to(request.user)
    ).qs.totals()
    assert by_theme == BudgetLine.objects.published().filter(program=program).totals()

    program.themes.clear()
    assert not Theme.objects.get(pk=theme.pk).programs.exists()
    assert_kept_totals_are_fresh(admin_user)


def test_writes_through_the_api_keep_the_totals(memo, key_for, admin_user):  # noqa: F811
    client = key_for("Publicist")
    created = client.post(
        "/api/v1/budget-lines",
        {
            "document": MEMO,
            "position": 40,
            "description": "Nieuwe post",
            "program": "limburgmakers",
            "contributionKind": "bedrag",
            "amount": "2500000.00",
        },
        format="json",
        HTTP_CHANGE_REASON="Nieuwe post",
    )
    assert created.status_code == 201, created.content
    assert_kept_totals_are_fresh(admin_user)

    url = f"/api/v1/budget-lines/{MEMO}-40"
    assert change(client, url, {"amount": "1.00"}, reason="Correctie").status_code == 200
    assert_kept_totals_are_fresh(admin_user)

    assert change(client, url, reason="Vervallen").status_code == 204
    assert_kept_totals_are_fresh(admin_user)


def test_an_import_keeps_the_totals(admin_client, memo, admin_user):
    rows = [
        LINE_HEADER,
        [f"{MEMO}-18", "Nieuwe post", "limburgmakers", "bedrag", "1.234,56"],
        [f"{MEMO}-19", "Tweede post", "limburgmakers", "pm", ""],
    ]

    response = import_all(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    assert response.status_code == 200
    assert BudgetLine.objects.filter(document=memo, position__in=[18, 19]).count() == 2
    assert_kept_totals_are_fresh(admin_user)


def test_generated_data_has_its_totals_kept(memo, admin_user):
    call_command("generate_scale_data", scale=0.001, seed=3, verbosity=0)

    assert BudgetTotal.objects.filter(program__slug__startswith="gen-").exists()
    assert SubsidyTotal.objects.filter(instrument__slug__startswith="gen-").exists()
    assert_kept_totals_are_fresh(admin_user)


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_has_its_totals_counted(tmp_path, admin_user):
    call_command("load_memo", verbosity=0)
    kept = kept_rows()
    call_command("backup", str(tmp_path / "backup.json"), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)

    call_command("restore", str(tmp_path / "backup.json"), verbosity=0)

    assert kept_rows() == kept
    assert Document.objects.filter(slug=MEMO).exists()


@pytest.mark.parametrize("query", ["", "?theme=financiering", "?periodFrom=2016&periodUntil=2017"])
def test_no_dashboard_request_reads_the_budget_lines_or_subsidies(
    client, admin_client, memo, query
):
    for reader in (client, admin_client):
        with CaptureQueriesContext(connection) as captured:
            response = reader.get(f"/{query}")
        assert response.status_code == 200
        tables = ('"budgets_budgetline"', '"budgets_subsidy"')
        read = [sql["sql"] for sql in captured.captured_queries]
        assert not [sql for sql in read if any(table in sql for table in tables)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_one_programs_lines_count_each_line_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs a server database")
    program = ProgramFactory()
    lines = [BudgetLineFactory(program=program, amount=Decimal("100.00")) for _ in range(12)]
    start = threading.Barrier(len(lines))

    def edit(pk):
        try:
            with transaction.atomic():
                line = BudgetLine.objects.get(pk=pk)
                line.amount += Decimal("1.00")
                start.wait()
                line.save()
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(line.pk,)) for line in lines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    kept = BudgetTotal.objects.filter(program=program).of_programs()
    assert kept.count() == 1
    assert kept.get().amount == Decimal("1212.00")
    assert kept_rows()[0]
    before = kept_rows()
    BudgetTotal.objects.recount()
    assert kept_rows() == before


@pytest.mark.parametrize("query", [{}, {"theme": "financiering"}, {"periodFrom": "2016"}])
def test_the_dashboards_panels_are_the_lines_own_totals(memo, admin_user, query):
    concept_theme = ThemeFactory(publication_status=PublicationStatus.CONCEPT)
    only_concept = Program.objects.filter(budget_lines__isnull=False).distinct().last()
    only_concept.themes.set([concept_theme])
    BudgetLineFactory(document=memo, position=91, program=ProgramFactory())  # no theme
    for user in (AnonymousUser(), admin_user):
        request = RequestFactory().get("/", query)
        request.user = user
        dashboard = Dashboard(request)
        lines = BudgetLineFilter(query, queryset=BudgetLine.objects.visible_to(user)).qs
        by_program = lines.totals_by("program")
        by_theme = lines.totals_by("program__themes")
        visible_themes = set(Theme.objects.visible_to(user).values_list("pk", flat=True))

        assert {row[0].pk: row[1] for row in dashboard.per_program} == by_program
        assert {row[0].pk if row[0] else None: row[1] for row in dashboard.per_theme} == {
            theme: totals
            for theme, totals in by_theme.items()
            if theme is None or theme in visible_themes
        }
        assert dict(dashboard.per_funder) == {
            label: lines.totals_by("funder")[value]
            for value, label in Funder.choices
            if value in lines.totals_by("funder")
        }
        assert dashboard.contribution == lines.totals()

"""The start page's dashboard: its figures are the API's figures for the same filters, every
filter narrows every panel, and each chart comes with its title, description and data table."""

import csv
import datetime
import io
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import BudgetLine, ContributionKind, Subsidy, Totals
from programs.models import Commitment, PublicationStatus
from website.dashboard import CHART_BARS, Dashboard, money_or_unknown

from .factories import (
    ActionFactory,
    BudgetLineFactory,
    CommitmentFactory,
    DocumentFactory,
    OrganisationFactory,
    ProgramFactory,
    ProgramOrganisationFactory,
    SubsidyFactory,
    ThemeFactory,
)
from .test_public_pages import text_of

pytestmark = pytest.mark.django_db

# Each dashboard filter alone, a combination, and a period; keys as in the API.
QUERIES = [
    {},
    {"theme": "financiering"},
    {"theme": "reshoring"},
    {"programLine": "innovatiekracht-en-topsectoren"},
    {"organisation": "liof"},
    {"programStatus": "lopend"},
    {"periodFrom": "2014", "periodUntil": "2015"},
    {"theme": "financiering", "organisation": "liof"},
]


@pytest.fixture
def data(memo):
    """The memo, plus what the memo lacks: amounts on subsidies, open and overdue promises."""
    theme = ThemeFactory(slug="werkgelegenheid", name="Werkgelegenheid")
    program = ProgramFactory(name="Groeiregeling", themes=[theme], start="2014", end=None)
    ProgramOrganisationFactory(program=program, organisation=OrganisationFactory(slug="groeifonds"))
    BudgetLineFactory(program=program, amount=Decimal("2500000.00"))
    BudgetLineFactory(program=program, contribution_kind=ContributionKind.PM, amount=None)
    SubsidyFactory(instrument=program, granted_on="maart 2015")
    SubsidyFactory(instrument=program, status=Subsidy.Status.REQUESTED)
    open_promise = CommitmentFactory(deadline="eind 2015")
    open_promise.programs.add(program)
    CommitmentFactory(deadline="2040")
    ActionFactory(program=program, due="najaar 2016")
    return program


def dashboard_for(client, query):
    response = client.get(f"/?{urlencode(query)}")
    assert response.status_code == 200, response.content.decode()[:500]
    return response.context["dashboard"]


def api_count(api, path, query, **extra):
    response = api.get(f"/api/v1/{path}?{urlencode({**query, **extra})}")
    assert response.status_code == 200, response.json()
    return response.json()["count"]


def api_names(api, path, query, field):
    response = api.get(f"/api/v1/{path}?{urlencode({**query, 'pageSize': 100})}")
    return {record[field] for record in response.json()["results"]}


def test_the_memo_headline_figures(client, memo):
    dashboard = dashboard_for(client, {})
    assert dashboard.contribution.label == "€ 77,57 mln + 6 × PM"
    assert dashboard.program_count == 22
    assert dashboard.commitment_figures == {"open": 0, "overdue": 0, "fulfilled": 3, "total": 3}
    assert dashboard.subsidy_figures["count"] == 2
    # The memo names the grants but not their amounts: unknown, not zero.
    assert dashboard.subsidy_figures["amount_label"] == "onbekend"
    text = text_of(client.get("/"))
    assert "Provinciale bijdrage € 77,57 mln + 6 × PM" in text
    assert "0 open, 0 termijn verstreken, 3 voldaan" in text


@pytest.mark.parametrize("query", QUERIES, ids=lambda query: urlencode(query) or "none")
def test_dashboard_figures_equal_the_api_for_the_same_filters(client, api, data, query):
    dashboard = dashboard_for(client, query)

    totals = api.get(f"/api/v1/budget-lines/totals?{urlencode(query)}").json()
    assert Decimal(totals["amount"]) == dashboard.contribution.amount
    assert totals["pmCount"] == dashboard.contribution.pm_count
    assert totals["externalCount"] == dashboard.contribution.external_count
    assert totals["label"] == dashboard.contribution.label

    assert dashboard.program_count == api_count(api, "programs", query)
    figures = dashboard.commitment_figures
    assert figures["open"] == api_count(api, "commitments", query, status="openstaand") + api_count(
        api, "commitments", query, status="deels_voldaan"
    )
    assert figures["overdue"] == api_count(api, "commitments", query, overdue="true")
    assert figures["fulfilled"] == api_count(api, "commitments", query, status="voldaan")
    granted = api_count(api, "subsidies", query, status="verleend") + api_count(
        api, "subsidies", query, status="vastgesteld"
    )
    assert dashboard.subsidy_figures["count"] == granted


@pytest.mark.parametrize(
    "query",
    [query for query in QUERIES if "theme" not in query],
    ids=lambda query: urlencode(query) or "none",
)
def test_each_theme_row_is_the_api_total_of_that_theme(client, api, data, query):
    # A program of two themes counts under both; one of none under "zonder thema".
    both = ProgramFactory(themes=[ThemeFactory(), ThemeFactory()], start="2014", end=None)
    BudgetLineFactory(program=both, amount=Decimal("1000000.00"), start="2014", end="2015")
    BudgetLineFactory(program=ProgramFactory(themes=[]), amount=Decimal("3.00"))
    dashboard = dashboard_for(client, query)
    assert dashboard.per_theme
    for theme, figures in dashboard.per_theme:
        if theme is None:
            continue
        totals = api.get(
            f"/api/v1/budget-lines/totals?{urlencode({**query, 'theme': theme.slug})}"
        ).json()
        assert (Decimal(totals["amount"]), totals["pmCount"], totals["externalCount"]) == (
            figures.amount,
            figures.pm_count,
            figures.external_count,
        ), theme.slug
    if any(program == both for program, _ in dashboard.per_program):
        shown = {theme for theme, _ in dashboard.per_theme}
        assert set(both.themes.all()) <= shown, "a program counts under each of its themes"


@pytest.mark.parametrize("query", QUERIES[1:], ids=urlencode)
def test_each_filter_narrows_every_panel_consistently(client, api, data, query):
    everything = dashboard_for(client, {})
    dashboard = dashboard_for(client, query)

    # Money: the rows per program add up to the headline, and to no more than unfiltered.
    assert sum(figures.amount for _, figures in dashboard.per_program) == (
        dashboard.contribution.amount
    )
    assert sum(figures.pm_count for _, figures in dashboard.per_program) == (
        dashboard.contribution.pm_count
    )
    assert dashboard.contribution.amount <= everything.contribution.amount
    programs = api_names(api, "programs", query, "name")
    assert {program.name for program, _ in dashboard.per_program if program} <= programs
    assert {theme for theme, _ in dashboard.per_theme} <= {
        theme for theme, _ in everything.per_theme
    }

    # Commitments: the status rows are the API's counts and add up to the total.
    for value, _label, count in dashboard.status_rows:
        assert count <= api_count(api, "commitments", query, status=value)
    assert (
        sum(count for *_, count in dashboard.status_rows) == (dashboard.commitment_figures["total"])
    )

    # The timeline holds only what the same filters select.
    actions = api_names(api, "actions", query, "title")
    commitments = {str(c) for c in Commitment.objects.all()}
    for entry in dashboard.timeline_entries:
        assert entry.label in {"program": programs, "action": actions}.get(entry.kind, commitments)
    assert len(dashboard.timeline_entries) <= len(everything.timeline_entries)


def test_a_theme_filter_narrows_to_that_theme(client, data):
    dashboard = dashboard_for(client, {"theme": "werkgelegenheid"})
    assert dashboard.contribution.label == "€ 2,5 mln + 1 × PM"
    assert dashboard.program_count == 1
    assert dashboard.commitment_figures["open"] == 0, "the promise has no theme of its own"
    assert dashboard.subsidy_figures["count"] == 1
    assert [program for program, _ in dashboard.per_program] == [data]
    entries = [(entry.kind, entry.period_text) for entry in dashboard.timeline_entries]
    # The action has no theme of its own, and the API's actions?theme= reads its own themes.
    assert entries == [("program", "vanaf 2014")]


def test_an_organisation_filter_reaches_programs_lines_subsidies_and_commitments(client, data):
    dashboard = dashboard_for(client, {"organisation": "groeifonds"})
    assert dashboard.program_count == 1
    assert dashboard.contribution.label == "€ 2,5 mln + 1 × PM"
    assert dashboard.subsidy_figures["count"] == 1
    assert dashboard.commitment_figures["open"] == 1
    assert dashboard.commitment_figures["overdue"] == 1


def test_the_period_filter_keeps_what_runs_in_those_years(api, data):
    def programs(**query):
        return api_names(api, "programs", query, "slug")

    # Groeiregeling started in 2014 and has no end yet: it still runs.
    assert data.slug in programs(periodFrom=2030)
    assert data.slug not in programs(periodUntil=2013)
    # LimburgMakers ran from medio 2013 to medio 2016.
    assert "limburgmakers" in programs(periodFrom=2016, periodUntil=2016)
    assert "limburgmakers" not in programs(periodFrom=2017)
    # A program without a known period is in no period.
    assert "kennischeque" in programs()
    assert "kennischeque" not in programs(periodFrom=2000)


def test_active_filters_are_shown_and_each_can_be_removed(client, memo):
    response = client.get("/?theme=financiering&programLine=innovatiekracht-en-topsectoren")
    text = text_of(response)
    assert "Thema: Financiering" in text
    assert "Programmalijn: " in text
    body = response.content.decode()
    assert 'href="/?programLine=innovatiekracht-en-topsectoren"' in body
    assert 'href="/?theme=financiering"' in body
    assert "Alle filters wissen" in text
    assert (
        'href="/programmas?theme=financiering&amp;programLine=innovatiekracht-en-topsectoren"'
        in body
    ), "the program count leads to the program list under the same filters"
    assert "Actieve filters" not in text_of(client.get("/"))


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("theme=bestaat-niet", "Thema"),
        ("periodFrom=vorig-jaar", "Periode vanaf (jaar)"),
        ("programStatus=misschien", "Status van het programma"),
    ],
)
def test_a_bad_filter_is_a_400_that_says_which(client, memo, query, named):
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    assert named in text_of(response)
    assert "Kerncijfers" not in text_of(response)


def test_every_chart_has_a_title_a_description_and_a_data_table(client, data):
    body = client.get("/").content.decode()
    starts = [match.start() for match in re.finditer('<svg class="chart-svg"', body)]
    assert len(starts) == 4
    for start, following in zip(starts, [*starts[1:], len(body)], strict=True):
        chart = body[start:following]
        assert 'role="img"' in chart[: chart.index(">")]
        title, description = re.search(r'aria-labelledby="(\S+) (\S+)"', chart).groups()
        assert re.search(rf'<title id="{title}">[^<]+</title>', chart)
        assert re.search(rf'<desc id="{description}">[^<]+</desc>', chart)
        assert "<caption" in chart, "the chart's data table follows it"


def test_bars_are_to_scale_and_pm_is_written_not_drawn(client, memo):
    chart = dashboard_for(client, {}).program_chart
    widths = {bar.label: bar.width for bar in chart.bars}
    assert widths["Limburg Business Development Fonds (LBDF)"] == 55
    assert widths["MKB Leningenfonds"] == pytest.approx(55 * 20 / 30, abs=0.01)
    pm_bars = [bar for bar in chart.bars if bar.value_text.endswith("PM")]
    assert pm_bars and all(bar.width == 0 for bar in pm_bars if "€" not in bar.value_text)


def test_the_timeline_draws_today_and_the_periods(client, data):
    dashboard = dashboard_for(client, {})
    timeline = dashboard.timeline
    assert 0 < timeline.today_x <= 100
    body = client.get("/").content.decode()
    assert 'class="chart-today"' in body
    running = next(span for span in timeline.spans if span.label == "Groeiregeling")
    assert running.open_end, "a program without an end runs on to today"
    assert running.x == 0, "it began before the window: cut at its edge"
    assert running.x + running.width == pytest.approx(timeline.today_x, abs=0.2)
    # The deadlines of 2015 and 2040 lie outside the window (`test_timeline_window`).
    assert not [span for span in timeline.spans if span.kind == "deadline"]


def test_concepts_stay_out_of_the_figures(client, memo):
    concept = ProgramFactory(publication_status=PublicationStatus.CONCEPT, name="Geheim plan")
    BudgetLineFactory(program=concept, amount=Decimal("9000000.00"))
    dashboard = dashboard_for(client, {})
    assert dashboard.contribution.label == "€ 77,57 mln + 6 × PM"
    assert "Geheim plan" not in client.get("/").content.decode()
    assert BudgetLine.objects.filter(program=concept).exists()


def test_the_dashboard_downloads_are_the_tables_shown(client, data):
    data.name = "=HYPERLINK(1)"
    data.save()
    response = client.get("/?tabel=bijdrage-per-programma&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    table = dashboard_for(client, {}).program_table
    assert rows[0] == table.download_headers()
    assert len(rows) == len(table.body) + 1  # headers, the rows; a CSV has no totals row
    shown = [cell.text for cell in table.body[0]]
    assert rows[1][0] == shown[0]
    injected = next(row for row in rows if row[0] == "'=HYPERLINK(1)")
    assert (Decimal(injected[1]), injected[2:]) == (Decimal("2500000"), ["1", "0"])
    # The PM column sums to the PM lines, the amounts to the total shown (PM not in it).
    assert sum(int(row[2]) for row in rows[1:]) == 7
    assert sum(Decimal(row[1]) for row in rows[1:] if row[1]) == Decimal("80070000")
    assert table.footer_cells[1].text == "€ 80,07 mln + 7 × PM"


def test_an_unknown_table_is_not_found_and_an_unknown_format_is_refused(client, memo):
    assert client.get("/?tabel=geheim&format=csv").status_code == 404
    assert client.get("/?tabel=tijdlijn&format=exe").status_code == 400


def test_the_dashboard_costs_the_same_queries_for_few_records_or_many(client, memo):
    with CaptureQueriesContext(connection) as few:
        client.get("/?theme=financiering")
    for _ in range(3):
        program = ProgramFactory(start="2015", end="2017")
        BudgetLineFactory.create_batch(2, program=program)
        SubsidyFactory(instrument=program)
        ActionFactory(program=program)
        CommitmentFactory(deadline=datetime.date(2027, 1, 1).strftime("%Y")).programs.add(program)
    with CaptureQueriesContext(connection) as many:
        client.get("/?theme=financiering")
    assert len(many) == len(few)


def test_a_funder_with_only_lines_paid_by_others_shows_no_zero_amount(client, memo):
    rows = {row[0].text: row[1].text for row in dashboard_for(client, {}).funder_table.body}
    assert rows == {"provincie": "€ 77,57 mln", "EU": "op kosten van derden"}


def test_the_start_page_lists_the_newest_documents_with_an_annex_and_counts_the_rest(client, db):
    for year in range(2001, 2024):
        BudgetLineFactory(document=DocumentFactory(date=str(year)))
    DocumentFactory(date="2030")  # no annex: not listed, not counted

    response = client.get("/")

    listed = [document.date.start.year for document, _totals in response.context["documents"]]
    assert listed == list(range(2023, 2003, -1))
    assert response.context["more_documents"] == 3
    assert "En nog 3 oudere documenten met een financieel overzicht" in text_of(response)


def test_a_chart_of_many_programs_labels_only_the_bars_it_draws(client, db, monkeypatch):
    """Labelling every program of a large data set was much of the dashboard's time."""
    for number in range(CHART_BARS + 5):
        BudgetLineFactory(program=ProgramFactory(), amount=Decimal(1000 * (number + 1)))
    labelled = []
    label = Totals.label.fget

    def counting(totals):
        labelled.append(totals)
        return label(totals)

    dashboard = Dashboard(dashboard_for(client, {}).request)
    monkeypatch.setattr(Totals, "label", property(counting))

    chart = dashboard.program_chart

    assert len(chart.bars) == len(labelled) == CHART_BARS
    assert chart.bars[0].value_text == "€ 0,03 mln"
    assert len(dashboard.per_program) == CHART_BARS + 5


def test_counts_from_a_thousand_on_are_grouped_as_amounts_are(client, db):
    Commitment.objects.bulk_create(CommitmentFactory.build() for _ in range(1000))
    assert "1.000 open" in client.get("/").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1,000 open" in english


def test_a_thousand_grants_without_a_known_amount_are_counted_grouped():
    assert money_or_unknown(Decimal("2500000"), 11090).endswith("(11.090 zonder bekend bedrag)")

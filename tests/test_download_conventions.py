"""One convention per kind of file, for every CSV and XLSX the project writes.

CSV is for machines, the same everywhere (page tables, API lists, open data, the admin's
export and template): UTF-8 without byte order mark, comma, CRLF, a header row, no totals
row, amounts as decimal numbers or empty, ISO dates. XLSX is for people: a named sheet,
amounts as numbers in a € format, dates as date cells, counts as whole numbers, totals below
the data after an empty row, and a sheet "Bron" with the source, the filters and the date.
"""

import csv
import datetime
import io
import re
from decimal import Decimal, InvalidOperation

import pytest
from django.contrib import admin
from openpyxl import load_workbook

from budgets.models import BudgetLine, Subsidy
from common.exports import COUNT_FORMAT, DATE_FORMAT, MONEY_FORMAT
from programs.models import Commitment, Organisation, Program
from programs.spreadsheets import FuzzyDateWidget

from .admin_forms import admin_url
from .factories import SettlementFactory, SubsidyFactory
from .test_spreadsheet_import import RESOURCES
from .test_table_downloads import download_link, tables_of

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
DUTCH_DAY = re.compile(rf"\d{{1,2}} ({MONTHS}) \d{{4}}")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# An amount as people write it, as a whole cell: `€ 8,9 mln`, `8.900.000,00`, `… + 6 × PM`.
# (`PM` or `onbekend` in a column of amounts: a column with one number has only numbers.)
DUTCH_MONEY = re.compile(r"€ .*|.*× PM|\d{1,3}(\.\d{3})+,\d{2}")

# Pages whose tables between them are every table the site downloads.
PAGES = [
    "/",
    "/documenten",
    "/documenten/sterke-maakindustrie-2015",
    "/programmas",
    "/programmas/limburgmakers",
    "/programmas/kennischeque",
    "/organisaties",
    "/organisaties/provincie-limburg",
    "/toezeggingen",
    "/toezeggingen/rappellijst?datum=2017-01-01",
    "/toezeggingen/toezegging-1887",
    "/themas",
    "/themas/financiering",
    "/acties",
]
API_CSVS = [
    "/api/v1/budget-lines?format=csv",
    "/api/v1/subsidies?format=csv",
    "/api/v1/commitments?format=csv",
    "/api/v1/programs?format=csv",
    "/api/v1/documents?format=csv",
    "/api/v1/indicators?format=csv",
    "/api/v1/budget-lines/datapackage.csv",
    "/api/v1/subsidies/360giving?format=csv",
]
ADMIN_MODELS = [Organisation, Program, Commitment, BudgetLine, Subsidy]


@pytest.fixture
def site(memo):
    """The memo, with what makes every table hold rows: a deadline change, a settlement
    proposal, a subsidy with amounts and one without."""
    commitment = Commitment.objects.get(kind="toezegging", number="1887")
    commitment.deadline = "eind 2016"
    commitment._change_reason = "Uitgesteld op verzoek van de commissie"
    commitment.save()
    SettlementFactory(commitment=commitment, proposed_on=datetime.date(2016, 1, 1))
    kennischeque = Program.objects.get(slug="kennischeque")
    province = Organisation.objects.get(slug="provincie-limburg")
    SubsidyFactory(instrument=kennischeque, recipient=province, granted_amount=Decimal("1.50"))
    SubsidyFactory(instrument=kennischeque, recipient=province, granted_amount=None)
    return memo


def page_downloads(client, file_format):
    """(link, response) of every table on `PAGES` in `file_format`."""
    for url in PAGES:
        page = client.get(url)
        assert page.status_code == 200, url
        tables, links = tables_of(page)
        assert tables, url
        for name in tables:
            link = download_link(links, name, file_format)
            response = client.get(link)
            assert response.status_code == 200, link
            yield link, response


def content_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# CSV


def as_decimal(text):
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def is_written_period(name, header, periods=()):
    """A column that gives a period or a day as written (`medio 2016`, `2016`,
    `7 november 2014`): a page table's, with its first and last day beside it; the API's
    `*.label`; the admin's date columns, which its import reads back as written."""
    return f"{name}: eerste dag" in header or name.endswith(".label") or name in periods


def is_label(name):
    """The API's and the open data's amount as written (`€ 8,9 mln`), beside the number."""
    return name == "label" or name.endswith(("Label", "displayValue"))


def assert_machine_csv(content, where, periods=()):
    """The CSV convention, checked on the file as it is."""
    assert not content.startswith(BOM), f"{where}: no byte order mark"
    text = content.decode("utf-8")
    assert "\r\n" in text, f"{where}: CRLF line ends"
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header and all(header), f"{where}: a header row"
    assert not any(";" in name for name in header), f"{where}: comma separated"
    for row in rows:
        assert len(row) == len(header), where
        assert not row[0].startswith(("Totaal", "Total")), f"{where}: a totals row"
    for index, name in enumerate(header):
        filled = [row[index] for row in rows if row[index] != ""]
        if is_written_period(name, header, periods) or is_label(name):
            continue
        # A column with one number holds only numbers: no PM or `onbekend` among amounts.
        numbers = [cell for cell in filled if re.fullmatch(r"-?\d+(\.\d+)?", cell)]
        if numbers and not name.lower().endswith(("id", "nummer", "number", "locator")):
            assert len(numbers) == len(filled), (where, name, set(filled) - set(numbers))
            assert all(as_decimal(cell) is not None for cell in numbers), (where, name)
        for cell in filled:
            assert not DUTCH_MONEY.fullmatch(cell), (where, name, cell)
            assert not DUTCH_DAY.fullmatch(cell), (where, name, cell)
            if ISO_DAY.fullmatch(cell):
                datetime.date.fromisoformat(cell)
    return header, rows


def test_every_page_table_downloads_as_the_same_machine_csv(client, site):
    seen = 0
    for link, response in page_downloads(client, "csv"):
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert_machine_csv(response.content, link)
        seen += 1
    assert seen >= 20


@pytest.mark.parametrize("url", API_CSVS)
def test_every_api_and_open_data_csv_follows_the_same_convention(client, site, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    _header, rows = assert_machine_csv(content_of(response), url)
    assert rows


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model._meta.model_name)
def test_the_admin_export_and_template_are_the_same_machine_csv(admin_client, site, model):
    model_admin = admin.site.get_model_admin(model)
    titles = [file_format().get_title() for file_format in model_admin.get_export_formats()]
    response = admin_client.post(
        admin_url(model, "export"), {"resource": "0", "format": str(titles.index("csv"))}
    )
    assert response.status_code == 200
    periods = {
        column.column_name
        for column in RESOURCES[model].columns()
        if isinstance(column.widget, FuzzyDateWidget)
    }
    _header, rows = assert_machine_csv(response.content, model._meta.model_name, periods)
    assert rows
    template = admin_client.get(admin_url(model, "import_template"), {"formaat": "csv"})
    assert not template.content.startswith(BOM)
    assert template.content.decode("utf-8").endswith("\r\n")


def test_the_dashboard_csv_sums_to_its_totals_and_has_no_totals_row(client, site):
    """The old download put `Totaal` with `€ 77,57 mln + 6 × PM` among the data, so summing
    the PM column counted every PM line twice."""
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/?tabel=bijdrage-per-programma&format=csv").content.decode())
        )
    )
    totals = BudgetLine.objects.published().totals()

    assert sum(int(row["PM-posten"]) for row in rows) == totals.pm_count
    assert sum(Decimal(row["Bedrag (euro)"] or 0) for row in rows) == totals.amount


def test_a_pm_line_has_an_empty_amount_and_its_kind_in_a_column_of_its_own(client, site):
    text = client.get("/documenten/sterke-maakindustrie-2015?tabel=bijlage&format=csv")
    rows = list(csv.DictReader(io.StringIO(text.content.decode())))

    hannover = next(row for row in rows if row["Programma of maatregel"].startswith("Hannover"))
    assert (hannover["Provinciale bijdrage"], hannover["Soort bijdrage"]) == (
        "",
        "PM (pro memorie)",
    )
    assert rows[0]["Provinciale bijdrage"] == "8900000.00"
    assert rows[0]["Soort bijdrage"] == "bedrag"


def test_a_period_downloads_as_its_words_and_its_first_and_last_day(client, site):
    text = client.get("/toezeggingen?tabel=toezeggingen&format=csv").content.decode()
    row = next(
        row for row in csv.DictReader(io.StringIO(text)) if row["Nummer"] == "Toezegging 1887"
    )

    assert row["Termijn"] == "eind 2016"
    assert (row["Termijn: eerste dag"], row["Termijn: laatste dag"]) == ("2016-09-01", "2016-12-31")


# XLSX


def test_every_page_table_downloads_as_an_xlsx_for_people(client, site):
    seen = 0
    for link, response in page_downloads(client, "xlsx"):
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames[-1] == "Bron", link
        assert len(workbook.sheetnames) == 2, link
        sheet = workbook.worksheets[0]
        assert sheet.title not in ("Sheet", "Sheet1") and sheet.title[0].isupper(), link
        header = [cell.value for cell in sheet[1]]
        assert all(cell.font.bold for cell in sheet[1]), link
        data, totals = split_at_empty_row(list(sheet.iter_rows(min_row=2)))
        for row in data:
            for name, cell in zip(header, row, strict=True):
                if not is_written_period(name, header):
                    assert_cell_for_people(name, cell, link)
        for row in totals:
            assert str(row[0].value).startswith("Totaal"), link
        assert_source_sheet(workbook["Bron"], link)
        seen += 1
    assert seen >= 20


def split_at_empty_row(rows):
    """(data rows, rows after the first empty row)."""
    for index, row in enumerate(rows):
        if all(cell.value is None for cell in row):
            return rows[:index], rows[index + 1 :]
    return rows, []


def assert_cell_for_people(name, cell, where):
    value = cell.value
    if name.endswith((": eerste dag", ": laatste dag", ": datum")) or name == "Gewijzigd op":
        assert value is None or (cell.is_date and cell.number_format == DATE_FORMAT), (
            where,
            name,
            value,
        )
    elif isinstance(value, str):
        assert not DUTCH_MONEY.fullmatch(value), (where, name, value)
        assert not re.fullmatch(r"\d+", value), (where, name, f"{value!r} is text, not a number")
    elif isinstance(value, int | float):
        assert cell.number_format in (MONEY_FORMAT, COUNT_FORMAT, "General"), (where, name)


def assert_source_sheet(sheet, where):
    source = {row[0]: row[1] for row in sheet.values}
    assert source["Bron"].startswith("http://testserver/"), where
    assert "format=" not in source["Bron"] and "tabel=" not in source["Bron"], where
    assert source["Filters"], where
    assert isinstance(source["Opgehaald op"], datetime.datetime), where
    assert sheet.cell(4, 2).is_date


def test_amounts_counts_and_dates_have_their_formats(client, site):
    annex = load_workbook(
        io.BytesIO(
            client.get("/documenten/sterke-maakindustrie-2015?tabel=bijlage&format=xlsx").content
        )
    ).worksheets[0]
    assert annex.title == "Bijlage"
    amount = annex["C2"]
    assert (amount.value, amount.number_format) == (8900000, MONEY_FORMAT)

    dashboard = load_workbook(
        io.BytesIO(client.get("/?tabel=bijdrage-per-programma&format=xlsx").content)
    ).worksheets[0]
    assert dashboard.title == "Bijdrage per programma"
    assert [cell.value for cell in dashboard[1]] == [
        "Programma",
        "Bedrag (euro)",
        "PM-posten",
        "Posten op kosten van derden",
    ]
    count = dashboard["C2"]
    assert isinstance(count.value, int) and count.number_format == COUNT_FORMAT
    data, totals = split_at_empty_row(list(dashboard.iter_rows(min_row=2)))
    (total,) = totals
    totals_of = BudgetLine.objects.published().totals()
    assert total[0].value == "Totaal"
    assert Decimal(str(total[1].value)) == totals_of.amount
    assert total[1].number_format == MONEY_FORMAT
    assert total[2].value == totals_of.pm_count == sum(row[2].value for row in data)

    commitments = load_workbook(
        io.BytesIO(client.get("/toezeggingen?tabel=toezeggingen&format=xlsx").content)
    ).worksheets[0]
    header = [cell.value for cell in commitments[1]]
    first_day = commitments.cell(2, header.index("Datum: eerste dag") + 1)
    assert first_day.is_date and first_day.number_format == DATE_FORMAT


def test_the_source_sheet_names_the_page_its_filters_and_when(client, site):
    link = "/toezeggingen?status=voldaan&tabel=toezeggingen&format=xlsx"
    before = datetime.datetime.now().replace(microsecond=0) - datetime.timedelta(minutes=1)

    source = dict(load_workbook(io.BytesIO(client.get(link).content))["Bron"].values)

    assert source["Bron"] == "http://testserver/toezeggingen?status=voldaan"
    assert "voldaan" in source["Filters"]
    assert source["Gegevens"]
    assert before <= source["Opgehaald op"] <= datetime.datetime.now() + datetime.timedelta(days=1)


def test_a_table_without_totals_has_no_totals_row(client, site):
    """Themes overlap (a line counts under each theme of its program): no total is honest."""
    sheet = load_workbook(
        io.BytesIO(client.get("/?tabel=bijdrage-per-thema&format=xlsx").content)
    ).worksheets[0]
    data, totals = split_at_empty_row(list(sheet.iter_rows(min_row=2)))
    assert data and totals == []

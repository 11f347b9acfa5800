"""Every table on the public pages downloads as CSV and XLSX with exactly the rows it shows."""

import csv
import datetime
import io
import re
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

import pytest
from django.utils.formats import date_format
from openpyxl import load_workbook

from common.exports import spreadsheet_safe
from common.formats import format_money, local_number
from programs.models import Action, Commitment, Organisation, Program, Theme

from . import factories

pytestmark = pytest.mark.django_db


class TablesParser(HTMLParser):
    """The page's `_table.html` tables: headers, body and footer as text, and download links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = {}
        self.links = []
        self.table = None
        self.section = None
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (attrs.get("id") or "").startswith("tabel-"):
            self.table = {"head": [], "body": [], "foot": []}
            self.tables[attrs["id"].removeprefix("tabel-")] = self.table
        elif self.table is None:
            if tag == "a" and attrs.get("href"):
                self.links.append(attrs["href"])
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = tag[1:]
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td"):
            self.cell = {"text": "", "span": int(attrs.get("colspan", 1))}

    def handle_endtag(self, tag):
        if self.table is None:
            return
        if tag in ("th", "td") and self.cell is not None:
            text = " ".join(self.cell["text"].split())
            self.row.extend([text] + [""] * (self.cell["span"] - 1))
            self.cell = None
        elif tag == "tr":
            self.table[self.section].append(self.row)
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def tables_of(response):
    """{name: (headers, body rows)} of the page's tables (the footer apart: a download has
    its own totals, `test_download_conventions`), and the page's links."""
    parser = TablesParser()
    parser.feed(response.content.decode())
    tables = {}
    for name, table in parser.tables.items():
        headers = table["head"][0]
        body = table["body"]
        if len(body) == 1 and len(body[0]) == len(headers) and not any(body[0][1:]):
            body = []  # the "no data" row spans the table
        tables[name] = (headers, body)
    return tables, parser.links


def download_link(links, name, file_format):
    for link in links:
        if re.search(rf"[?&]tabel={re.escape(name)}&(amp;)?format={file_format}\b", link):
            return link.replace("&amp;", "&")
    raise AssertionError(f"no {file_format} link for table {name}")


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert not response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 without byte order mark"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def xlsx_rows(response):
    """The data sheet's header and data rows: up to the empty row before the totals."""
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = []
    for row in sheet.iter_rows():
        values = ["" if cell.value is None else cell.value for cell in row]
        if not any(value != "" for value in values):
            break
        rows.append(values)
    return rows


def as_number(value):
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def as_day(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.date.fromisoformat(value)
    return None


#: What a page shows where a download has no amount: the kind has a column of its own.
NO_AMOUNT = ("PM", "onbekend", "op kosten")


def same_cell(shown, downloaded):
    """A text cell as shown (formulas neutralised); a number as the figure shown for it; a
    date as the day shown; an empty amount where the page says why there is none."""
    text = " ".join(str(downloaded).split())
    if text == spreadsheet_safe(shown):
        return True
    if downloaded in ("", None):
        return shown.startswith(NO_AMOUNT)
    if (day := as_day(downloaded)) is not None:
        return shown == date_format(day, "j F Y")
    number = as_number(downloaded)
    if number is None:
        return False
    # A key figure shows with its unit and qualifier (`ruim 2.500 vestigingen`, `16%`).
    return shown in (format_money(number), str(number)) or local_number(number) in shown


def assert_same_table(shown_headers, shown_rows, downloaded, where):
    """Every column shown is in the download under its header, with the same rows; a
    download may have more columns (a period's days, the kind of contribution)."""
    headers, *rows = downloaded
    headers = [str(header) for header in headers]
    assert set(shown_headers) <= set(headers), where
    assert len(rows) == len(shown_rows), where
    for shown, row in zip(shown_rows, rows, strict=True):
        assert len(row) == len(headers), where
        for header, shown_cell in zip(shown_headers, shown, strict=True):
            cell = row[headers.index(header)]
            dated = f"{header}: datum"
            if dated in headers and row[headers.index(dated)] not in ("", None):
                # The rappellijst's proposal: "1 januari 2016: voldaan" is a date and a status.
                day = as_day(row[headers.index(dated)])
                assert shown_cell == f"{date_format(day, 'j F Y')}: {cell}", where
                continue
            assert same_cell(shown_cell, cell), (where, header, shown_cell, cell)


@pytest.fixture
def site(memo):
    """The memo, plus what makes every table of the pages below hold rows."""
    commitment = Commitment.objects.get(kind="toezegging", number="1887")
    commitment.deadline = "eind 2016"
    commitment._change_reason = "Uitgesteld op verzoek van de commissie"
    commitment.save()
    factories.SettlementFactory(commitment=commitment, proposed_on=datetime.date(2016, 1, 1))
    factories.SubsidyFactory(
        instrument=Program.objects.get(slug="kennischeque"),
        recipient=Organisation.objects.get(slug="provincie-limburg"),
    )
    return memo


PAGES = [
    "/documenten/sterke-maakindustrie-2015",
    "/programmas",
    "/programmas/limburgmakers",
    "/programmas/kennischeque",
    "/organisaties",
    "/organisaties/hotraco-group",
    "/organisaties/provincie-limburg",
    "/toezeggingen",
    "/toezeggingen?status=voldaan",
    "/toezeggingen?kind=motie",
    "/toezeggingen/rappellijst?datum=2017-01-01",
    "/toezeggingen/toezegging-1887",
    "/toezeggingen/motie-615",
    "/themas",
    "/themas/financiering",
    "/themas/reshoring",
    "/acties",
    "/acties?theme=reshoring",
    "/acties?status=in_uitvoering&ordering=-title",
    "/acties/afspraken-investor-development-programma",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_table_downloads_the_rows_it_shows_as_csv_and_xlsx(client, site, url):
    response = client.get(url)
    assert response.status_code == 200
    tables, links = tables_of(response)
    assert tables, "the page has tables"
    assert any(rows for _headers, rows in tables.values()), "and they show rows"
    for name, (headers, rows) in tables.items():
        for file_format, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
            link = download_link(links, name, file_format)
            download = client.get(link)
            assert download.status_code == 200, link
            assert 'filename="' in download["Content-Disposition"]
            assert_same_table(headers, rows, read(download), link)


def test_money_is_a_number_in_the_spreadsheet_and_pm_has_its_own_column(client, memo):
    link = "/documenten/sterke-maakindustrie-2015?tabel=bijlage&format=xlsx"
    headers, *rows = xlsx_rows(client.get(link))
    assert headers == ["Programma of maatregel", "Rij", "Provinciale bijdrage", "Soort bijdrage"]
    assert rows[0] == ["Programma LimburgMakers", 1, 8900000, "bedrag"]
    assert rows[1][2:] == ["", "op kosten van derden"]
    assert rows[16] == ["Hannover Messe deelname", 17, "", "PM (pro memorie)"]
    assert sum(row[2] for row in rows if row[2] != "") == 77570000
    # The totals are below the data, after an empty row, and never sum PM as 0.
    sheet = load_workbook(io.BytesIO(client.get(link).content)).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[-2] == [None, None, None, None]
    assert values[-1] == [
        "Totaal (1 post op kosten van derden)",
        None,
        77570000,
        "6 × PM (pro memorie), 1 × op kosten van derden",
    ]


def test_a_filtered_list_downloads_only_the_filtered_rows(client, memo):
    factories.CommitmentFactory(title="Nog open", deadline="2030")
    everything = csv_rows(client.get("/toezeggingen?tabel=toezeggingen&format=csv"))
    fulfilled = csv_rows(client.get("/toezeggingen?status=voldaan&tabel=toezeggingen&format=csv"))
    assert 1 < len(fulfilled) < len(everything)
    status = fulfilled[0].index("Status")
    assert {row[status] for row in fulfilled[1:]} == {"voldaan"}

    reshoring = Theme.objects.get(slug="reshoring")
    expected = set(reshoring.actions.published().values_list("title", flat=True))
    rows = csv_rows(client.get("/acties?theme=reshoring&tabel=acties&format=csv"))
    assert {row[0] for row in rows[1:]} == expected
    assert len(rows) - 1 < Action.objects.published().count()


def test_text_a_spreadsheet_would_run_as_a_formula_is_downloaded_as_text(client, memo):
    factories.ActionFactory(slug="formule", title='=HYPERLINK("http://x","klik")')
    factories.OrganisationFactory(slug="at-formule", name="@SUM(A1:A9)")

    rows = csv_rows(client.get("/acties?tabel=acties&format=csv"))
    assert '\'=HYPERLINK("http://x","klik")' in [row[0] for row in rows]
    cells = xlsx_rows(client.get("/acties?tabel=acties&format=xlsx"))
    assert '\'=HYPERLINK("http://x","klik")' in [row[0] for row in cells]
    assert not any(str(cell).startswith(("=", "+", "@")) for row in cells for cell in row)
    names = [
        row[0] for row in xlsx_rows(client.get("/organisaties?tabel=organisaties&format=xlsx"))
    ]
    assert "'@SUM(A1:A9)" in names


def test_the_old_rappellijst_links_still_download_the_list(client, memo):
    old = client.get("/toezeggingen/rappellijst?datum=2017-01-01&format=csv")
    new = client.get("/toezeggingen/rappellijst?datum=2017-01-01&tabel=rappellijst&format=csv")
    assert old.status_code == new.status_code == 200
    assert csv_rows(old) == csv_rows(new)
    assert csv_rows(old)[0][0] == "Nummer"


def test_an_unknown_format_is_a_400_and_an_unknown_table_a_404(client, memo):
    response = client.get("/acties?tabel=acties&format=pdf")
    assert response.status_code == 400
    assert "pdf" in response.content.decode() and "xlsx" in response.content.decode()
    # A table without a format is the whole list on a page (`test_full_lists`).
    assert client.get("/acties?tabel=acties").status_code == 200
    assert client.get("/toezeggingen/rappellijst?format=pdf").status_code == 400
    assert client.get("/acties?tabel=bestaat-niet&format=csv").status_code == 404
    # A page without a default table shows itself for a bare ?format=.
    response = client.get("/acties?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_a_list_with_an_invalid_filter_answers_with_the_page_not_a_download(client, memo):
    response = client.get("/acties?owner=bestaat-niet&tabel=acties&format=csv")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert 'class="downloads"' not in response.content.decode(), "no download links for an error"


def test_download_links_keep_the_page_and_its_filters(client, memo):
    content = client.get("/acties?status=aangekondigd").content.decode()
    assert 'href="/acties?status=aangekondigd&amp;tabel=acties&amp;format=csv"' in content

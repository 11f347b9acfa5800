"""The import preview as a civil servant reads it: for a record the file changes, each
changed field as "old → new", written as the export writes it (`8.900.000,00`, labels, slugs),
plain text; empty stays empty; a new record shows its values and an unchanged one is marked so.
"""

from html.parser import HTMLParser

import pytest

from budgets.models import BudgetLine
from programs.models import Program

from .test_spreadsheet_import import LINE_HEADER, MEMO, confirm, csv_bytes, preview

pytestmark = pytest.mark.django_db

HEADER = [*LINE_HEADER, "toelichting"]
# Between the old and the new value; the no-break space keeps the arrow with the old one.
ARROW = "\u00a0→ "


class PreviewTable(HTMLParser):
    """The preview table's rows: [{column: (cell text, cell class)}], the first column as
    "" (what happens to the row)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_table = False
        self.headers = []
        self.rows = []
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "import-preview" in (attrs.get("class") or ""):
            self.in_table = True
        elif self.in_table and tag == "tr":
            self.rows.append([])
        elif self.in_table and tag in ("td", "th"):
            self.cell = ["", attrs.get("class") or ""]

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table = False
        elif self.in_table and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append((self.cell[0].strip(), self.cell[1]))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data

    def table(self):
        headers = [text for text, _class in self.rows[0]]
        return [dict(zip(headers, row, strict=True)) for row in self.rows[1:]]


def preview_table(response):
    assert response.status_code == 200
    assert "confirm_form" in response.context, "the preview refused the file"
    reader = PreviewTable()
    reader.feed(response.content.decode())
    return reader.table()


def preview_html(response):
    page = response.content.decode()
    start = page.index('<table class="import-preview">')
    return page[start : page.index("</table>", start)]


def test_an_updated_row_shows_old_and_new_amount_as_the_export_writes_them(admin_client, memo):
    line = BudgetLine.objects.get_by_public_id(f"{MEMO}-1")
    rows = [HEADER, [f"{MEMO}-1", line.label, "limburgmakers", "bedrag", "4.000.000", ""]]

    response = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    [row] = preview_table(response)
    assert row[""][0] == "Bijgewerkt"
    assert row["bedrag (euro)"] == (f"8.900.000,00{ARROW}4.000.000,00", "changed")
    # Unchanged fields plainly, as the export writes them.
    assert row["omschrijving"] == (line.label, "")
    assert row["programma"] == ("limburgmakers", "")
    assert row["soort bijdrage"] == ("bedrag", "")
    assert row["toelichting"] == ("", "")


def test_the_preview_has_no_diff_markup_and_no_none(admin_client, memo):
    line = BudgetLine.objects.get_by_public_id(f"{MEMO}-1")
    rows = [
        HEADER,
        [f"{MEMO}-1", line.label, "limburgmakers", "bedrag", "4.000.000", ""],
        [f"{MEMO}-18", "Nieuwe post", "limburgmakers", "PM", "", ""],
    ]

    response = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    table = preview_html(response)
    assert "<del" not in table and "<ins" not in table and "<span" not in table
    assert "style=" not in table
    assert "None" not in table
    assert "8.900.000,00&nbsp;→ 4.000.000,00" in table


def test_emptying_or_filling_a_field_shows_the_empty_side_as_empty(admin_client, memo):
    first = BudgetLine.objects.get_by_public_id(f"{MEMO}-1")
    second = BudgetLine.objects.get_by_public_id(f"{MEMO}-2")
    assert not first.note and second.note
    rows = [
        HEADER,
        [f"{MEMO}-1", first.label, "limburgmakers", "bedrag", "8.900.000", "Zie bijlage"],
        [
            f"{MEMO}-2",
            second.label,
            second.program.slug,
            second.get_contribution_kind_display(),
            "",
            "",
        ],
    ]

    response = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    filled, emptied = preview_table(response)
    assert filled["toelichting"] == ("→ Zie bijlage", "changed")
    assert emptied["toelichting"] == (f"{second.note}{ARROW.strip(' ')}", "changed")


def test_a_new_row_shows_its_values_and_an_unchanged_row_is_marked_unchanged(admin_client, memo):
    line = BudgetLine.objects.get_by_public_id(f"{MEMO}-1")
    rows = [
        HEADER,
        [f"{MEMO}-1", line.label, "limburgmakers", "bedrag", "8.900.000", ""],
        [f"{MEMO}-18", "Nieuwe post", "limburgmakers", "bedrag", "1.234,5", ""],
    ]

    response = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    unchanged, new = preview_table(response)
    assert unchanged[""][0] == "Ongewijzigd"
    assert unchanged["bedrag (euro)"] == ("8.900.000,00", "")
    assert not any("→" in text for text, _class in unchanged.values())
    assert new[""][0] == "Nieuw"
    assert new["id"] == (f"{MEMO}-18", "")
    assert new["omschrijving"] == ("Nieuwe post", "")
    assert new["bedrag (euro)"] == ("1.234,50", "")
    assert new["publicatiestatus"] == ("concept", "")
    assert not any("→" in text for text, _class in new.values())


def test_the_preview_escapes_what_the_file_holds(admin_client, memo):
    line = BudgetLine.objects.get_by_public_id(f"{MEMO}-1")
    rows = [HEADER, [f"{MEMO}-1", "<b>Vet</b> & co", "limburgmakers", "bedrag", "8.900.000", ""]]

    response = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    assert f"{line.label}&nbsp;→ &lt;b&gt;Vet&lt;/b&gt; &amp; co" in preview_html(response)
    assert "<b>Vet" not in response.content.decode()


def test_a_changed_many_to_many_column_shows_the_old_and_new_slugs(admin_client, memo):
    program = Program.objects.get(slug="limburgmakers")
    old = ", ".join(program.themes.values_list("slug", flat=True))
    assert old and old != "reshoring"
    rows = [["slug", "thema's"], ["limburgmakers", "reshoring"]]

    response = preview(admin_client, Program, "programmas.csv", csv_bytes(rows))

    [row] = preview_table(response)
    assert row["thema's"] == (f"{old}{ARROW}reshoring", "changed")


def test_the_confirmed_import_writes_what_the_preview_showed(admin_client, memo):
    line = BudgetLine.objects.get_by_public_id(f"{MEMO}-1")
    rows = [HEADER, [f"{MEMO}-1", line.label, "limburgmakers", "bedrag", "4.000.000", ""]]
    previewed = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    confirm(admin_client, BudgetLine, previewed)

    line.refresh_from_db()
    assert str(line.amount) == "4000000.00"

"""Which files the admin's import reads: CSV in UTF-8 (with or without byte order mark) or
Windows-1252, found out from the file itself; any other encoding, and an XLSX with a formula,
is refused in Dutch on the import form, before anything is read or written."""

import codecs
import io

import pytest
from openpyxl import Workbook

from budgets.models import BudgetLine
from programs.models import Program

from .test_spreadsheet_import import (
    LINE_HEADER,
    MEMO,
    import_all,
    preview,
    snapshot,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

ROWS = [
    ["slug", "naam", "omschrijving"],
    ["limburgmakers", "Café Limburg", "Ruim € 8,9 mln voor de maakindustrie, één regio"],
]
REFUSED_ENCODING = (
    "Dit CSV-bestand is niet opgeslagen in UTF-8 of Windows-1252. Sla het in Excel op als "
    "'CSV UTF-8 (door komma's gescheiden)' en kies het opnieuw."
)


def csv_text(rows):
    return "".join(";".join(row) + "\r\n" for row in rows)


def form_errors(response):
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    return response.context["form"].errors.get("import_file", [])


@pytest.mark.parametrize(
    "encoding",
    ["utf-8-sig", "utf-8", "cp1252"],
    ids=["utf8-with-bom", "utf8-without-bom", "windows-1252"],
)
def test_a_csv_in_utf8_or_windows_1252_imports_with_its_accents_and_euro_sign(
    admin_client, memo, encoding
):
    content = csv_text(ROWS).encode(encoding)

    import_all(admin_client, Program, "programmas.csv", content)

    program = Program.objects.get(slug="limburgmakers")
    assert program.name == "Café Limburg"
    assert program.description == "Ruim € 8,9 mln voor de maakindustrie, één regio"


def test_windows_1252_bytes_are_read_as_windows_1252():
    """é is 0xE9 and € is 0x80 in Windows-1252: one byte each, invalid as UTF-8."""
    content = csv_text(ROWS).encode("cp1252")

    assert b"Caf\xe9" in content and b"\x80 8,9" in content
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")


@pytest.mark.parametrize(
    "content",
    [
        csv_text(ROWS).encode("utf-16-le"),
        csv_text(ROWS).encode("utf-16-be"),
        csv_text(ROWS).encode("utf-16"),
        codecs.BOM_UTF32_LE + csv_text(ROWS).encode("utf-32-le"),
        # 0x81, 0x8D, 0x8F, 0x90 and 0x9D mean nothing in Windows-1252, nor here in UTF-8.
        csv_text(ROWS).encode("cp1252").replace(b"\x80", b"\x81\x8d\x8f\x90\x9d"),
    ],
    ids=["utf16le-without-bom", "utf16be-without-bom", "utf16-with-bom", "utf32", "undefined"],
)
def test_a_csv_in_another_encoding_is_refused_in_dutch_and_writes_nothing(
    admin_client, memo, content
):
    before = snapshot(Program)

    response = preview(admin_client, Program, "programmas.csv", content)

    assert form_errors(response) == [REFUSED_ENCODING]
    assert "UnicodeDecodeError" not in response.content.decode()
    assert snapshot(Program) == before
    assert Program.objects.get(slug="limburgmakers").name != "Café Limburg"


def test_an_xlsx_with_a_formula_is_refused_naming_its_cell(admin_client, memo):
    """A formula written by a program has no saved value: it would read as an empty amount."""
    before = snapshot(BudgetLine)
    rows = [LINE_HEADER] + [
        [f"{MEMO}-{n}", f"Post {n}", "limburgmakers", "bedrag", "1.000"] for n in (18, 19, 20)
    ]
    rows[3][4] = "=1000*2"  # line 4, the fifth column: E4

    response = preview(admin_client, BudgetLine, "bijlage.xlsx", xlsx_bytes(rows))

    assert form_errors(response) == ["Formule in cel E4: vul de waarde in."]
    assert snapshot(BudgetLine) == before


def test_every_formula_of_the_sheet_is_named_at_once(admin_client, memo):
    rows = [LINE_HEADER, [f"{MEMO}-18", "=A1", "limburgmakers", "bedrag", "=SUM(1,2)"]]

    response = preview(admin_client, BudgetLine, "bijlage.xlsx", xlsx_bytes(rows))

    assert form_errors(response) == ["Formules in de cellen B2, E2: vul de waarden in."]


def test_a_formula_on_another_sheet_than_the_one_read_is_no_matter(admin_client, memo):
    """The import reads the active sheet; the template's explanation sheet may hold anything."""
    workbook = Workbook()
    data = workbook.active
    data.append(LINE_HEADER)
    data.append([f"{MEMO}-18", "Nieuwe post", "limburgmakers", "PM", None])
    workbook.create_sheet("Toelichting")["A1"] = "=1+1"
    content = xlsx_content(workbook)

    import_all(admin_client, BudgetLine, "bijlage.xlsx", content)

    assert BudgetLine.objects.get_by_public_id(f"{MEMO}-18").label == "Nieuwe post"


def test_text_that_looks_like_a_formula_is_no_formula(admin_client, memo):
    """The export writes `'=1+1` for the text =1+1: a text cell, imported as that text."""
    rows = [LINE_HEADER, [f"{MEMO}-18", "'=1+1", "limburgmakers", "PM", None]]

    import_all(admin_client, BudgetLine, "bijlage.xlsx", xlsx_bytes(rows))

    assert BudgetLine.objects.get_by_public_id(f"{MEMO}-18").label == "=1+1"


def xlsx_content(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

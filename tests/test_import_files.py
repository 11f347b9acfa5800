"""Which files the admin's import reads: CSV in UTF-8 (with or without byte order mark) or
Windows-1252, found out from the file itself; any other encoding is refused in Dutch on the
import form, before anything is read or written."""

import codecs

import pytest

from programs.models import Program

from .test_spreadsheet_import import (
    import_all,
    preview,
    snapshot,
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

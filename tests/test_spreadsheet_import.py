"""Excel and CSV import and export in the admin: a preview with every row's errors, all or
nothing, Dutch numbers and dates, natural keys, a reason in the history of every record, the
admin's roles, and an export that imports back without a change.

Imports are driven through the admin the way a browser does it: upload the file, read the
preview, post the confirmation form found on the page.
"""

import csv
import datetime
import io
import socket
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.cache.backends import locmem
from django.core.cache.backends.redis import RedisCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from budgets.models import BudgetLine, ContributionKind, Subsidy
from budgets.resources import BudgetLineResource, SubsidyResource
from common.fuzzydates import FuzzyDate, Precision
from programs.models import Commitment, DeadlineChange, Organisation, Program, PublicationStatus
from programs.resources import CommitmentResource, OrganisationResource, ProgramResource
from programs.spreadsheets import MoneyWidget, PreviewStorage

from .admin_forms import FormReader, admin_url
from .factories import CommitmentFactory, ProgramFactory, SubsidyFactory

pytestmark = pytest.mark.django_db

MEMO = "sterke-maakindustrie-2015"
RESOURCES = {
    Organisation: OrganisationResource,
    Program: ProgramResource,
    Commitment: CommitmentResource,
    BudgetLine: BudgetLineResource,
    Subsidy: SubsidyResource,
}
LINE_HEADER = ["id", "omschrijving", "programma", "soort bijdrage", "bedrag (euro)"]


# Files and the admin's import and export, as a browser uses them


def csv_bytes(rows, delimiter=";"):
    """A CSV file as Dutch Excel saves it: semicolons, UTF-8 with a byte order mark."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def format_choice(model, title):
    titles = [
        file_format().get_title()
        for file_format in admin.site.get_model_admin(model).get_import_formats()
    ]
    return str(titles.index(title))


def preview(client, model, name, content):
    """Upload a file on the import page: the preview, nothing written yet."""
    title = name.rpartition(".")[2]
    return client.post(
        admin_url(model, "import"),
        {
            "resource": "0",
            "format": format_choice(model, title),
            "import_file": SimpleUploadedFile(name, content),
        },
    )


class FormByAction(FormReader):
    """The fields of the form that posts to a given address (the confirmation has no id)."""

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.in_form = dict(attrs).get("action") == self.form_id
            return
        super().handle_starttag(tag, attrs)


def confirm(client, model, previewed):
    """Press 'confirm' on the preview page."""
    url = admin_url(model, "process_import")
    reader = FormByAction(url)
    reader.feed(previewed.content.decode())
    data = dict(reader.fields)
    assert "import_file_name" in data, "the preview offers no confirmation"
    return client.post(url, data, follow=True)


def export(client, model, title):
    response = client.post(
        admin_url(model, "export"), {"resource": "0", "format": format_choice(model, title)}
    )
    assert response.status_code == 200
    return response.content


def import_all(client, model, name, content):
    previewed = preview(client, model, name, content)
    assert previewed.status_code == 200
    result = previewed.context["result"]
    assert not result.has_errors(), [str(e.error) for e in result.base_errors]
    assert not result.has_validation_errors(), invalid_rows(previewed)
    return confirm(client, model, previewed)


def invalid_rows(response):
    """{line in the file: {column: messages}} of the rows the preview refused."""
    result = response.context["result"]
    return {row.number: row.error_dict for row in result.invalid_rows}


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def snapshot(*models):
    """What an import must leave alone: every record's version and the history's size."""
    return {
        model._meta.label: (
            sorted(model._base_manager.values_list("pk", "version")),
            model.history.count(),
        )
        for model in models
    }


@pytest.fixture
def as_role(client, django_user_model):
    def login(role):
        user = django_user_model.objects.create_user(role.lower(), is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        return client

    return login


# Dutch numbers and dates


def test_dutch_decimal_comma_is_read_as_eight_point_nine():
    amount = MoneyWidget().clean("8,9")

    assert amount == Decimal("8.9")
    assert isinstance(amount, Decimal)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("€ 8.900.000", Decimal("8900000")),
        ("0,02", Decimal("0.02")),
        ("8900000.00", Decimal("8900000.00")),
    ],
)
def test_dutch_thousands_points_are_grouping_not_decimals(text, amount):
    assert MoneyWidget().clean(text) == amount


def test_dutch_amounts_and_dates_in_a_semicolon_csv_are_stored_exactly(admin_client, memo):
    rows = [
        [*LINE_HEADER, "periode vanaf", "periode tot"],
        [
            f"{MEMO}-18",
            "Nieuwe post",
            "limburgmakers",
            "bedrag",
            "1.234,56",
            "7 november 2014",
            "medio 2016",
        ],
        [f"{MEMO}-19", "Tweede post", "limburgmakers", "bedrag", "8,9", "07-11-2014", "eind 2016"],
    ]

    response = import_all(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    assert response.status_code == 200
    first = BudgetLine.objects.get_by_public_id(f"{MEMO}-18")
    assert first.amount == Decimal("1234.56")
    assert first.start == FuzzyDate(datetime.date(2014, 11, 7), Precision.DAY)
    assert first.end == FuzzyDate(datetime.date(2016, 5, 1), Precision.MID)
    second = BudgetLine.objects.get_by_public_id(f"{MEMO}-19")
    assert second.amount == Decimal("8.90")
    assert second.start == FuzzyDate(datetime.date(2014, 11, 7), Precision.DAY)
    assert str(second.end) == "eind 2016"


def test_number_and_date_cells_of_an_xlsx_are_read_as_decimal_and_day(admin_client, memo):
    rows = [
        ["slug", "regeling", "ontvanger", "status", "verleend bedrag (euro)", "datum verlening"],
        [
            "nieuwe-cheque",
            "kennischeque",
            "liof",
            "verleend",
            12500.5,
            datetime.datetime(2015, 4, 7),
        ],
    ]

    import_all(admin_client, Subsidy, "subsidies.xlsx", xlsx_bytes(rows))

    subsidy = Subsidy.objects.get(slug="nieuwe-cheque")
    assert subsidy.granted_amount == Decimal("12500.50")
    assert subsidy.granted_on == FuzzyDate(datetime.date(2015, 4, 7), Precision.DAY)


# Preview, row-level errors, all or nothing


def test_preview_shows_row_level_errors_and_writes_nothing(admin_client, memo):
    before = snapshot(BudgetLine)
    rows = [
        LINE_HEADER,
        [f"{MEMO}-18", "Goede post", "limburgmakers", "bedrag", "1.000"],
        [f"{MEMO}-19", "Fout bedrag", "limburgmakers", "bedrag", "acht"],
        [f"{MEMO}-20", "Onbekend programma", "bestaat-niet", "PM", ""],
        [f"{MEMO}-21", "PM met bedrag", "limburgmakers", "PM", "5,00"],
    ]

    response = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    errors = invalid_rows(response)
    # Lines as the spreadsheet numbers them: line 1 holds the column names.
    assert set(errors) == {3, 4, 5}
    # Reported once: not again as "Vul een bedrag in", as the unreadable cell is empty.
    assert errors[3]["bedrag (euro)"] == [
        "'acht' is geen bedrag. Schrijf bijvoorbeeld 8,9 mln, 8.900.000 of 1.234,56."
    ]
    assert "bestaat-niet" in errors[4]["programma"][0]
    assert errors[5]["bedrag (euro)"] == ["Bij PM of op kosten van derden hoort geen bedrag."]
    page = response.content.decode()
    assert "Er is niets opgeslagen" in page
    assert "Onbekend: programma met slug &#x27;bestaat-niet&#x27;." in page
    assert snapshot(BudgetLine) == before
    assert not BudgetLine.objects.filter(position__gte=18).exists()


def test_a_valid_preview_writes_nothing_until_confirmed(admin_client, memo):
    rows = [LINE_HEADER, [f"{MEMO}-18", "Nieuwe post", "limburgmakers", "PM", ""]]

    previewed = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    assert previewed.context["result"].totals["new"] == 1
    assert not BudgetLine.objects.filter(position=18).exists()
    assert BudgetLine.history.filter(position=18).count() == 0

    confirmed = confirm(admin_client, BudgetLine, previewed)

    assert BudgetLine.objects.get(position=18).contribution_kind == ContributionKind.PM
    assert messages_of(confirmed) == ["Import klaar: 1 nieuw, 0 bijgewerkt, 0 ongewijzigd."]


def test_confirming_a_file_with_one_bad_row_writes_no_row(admin_client, memo):
    """The confirmation is offered only for a clean preview; posted anyway, it writes nothing."""
    before = snapshot(BudgetLine)
    rows = [
        LINE_HEADER,
        [f"{MEMO}-1", "Andere omschrijving", "limburgmakers", "bedrag", "8.900.000"],
        [f"{MEMO}-18", "Nieuwe post", "limburgmakers", "PM", ""],
        [f"{MEMO}-19", "Fout", "limburgmakers", "bedrag", "veel"],
    ]
    storage = PreviewStorage()
    storage.save(csv_bytes(rows))
    url = admin_url(BudgetLine, "process_import")

    response = admin_client.post(
        url,
        {
            "import_file_name": storage.name,
            "original_file_name": "bijlage.csv",
            "format": format_choice(BudgetLine, "csv"),
            "resource": "0",
        },
    )

    assert response.status_code == 200
    assert "Er is niets geïmporteerd; zie de fouten hieronder." in messages_of(response)
    assert set(invalid_rows(response)) == {4}
    assert snapshot(BudgetLine) == before
    assert BudgetLine.objects.get_by_public_id(f"{MEMO}-1").label == "Programma LimburgMakers"


def test_a_change_between_preview_and_confirmation_rolls_back_every_row(admin_client, memo):
    lines = {n: BudgetLine.objects.get_by_public_id(f"{MEMO}-{n}") for n in (1, 2)}
    header = ["id", "toelichting", "versie"]
    rows = [header, *([line.public_id, "Gecontroleerd", line.version] for line in lines.values())]
    previewed = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))
    # Someone else edits the second line after the preview was shown.
    other = lines[2]
    other.note, other._change_reason = "Intussen gewijzigd", "Tussendoor"
    other.save()
    before = snapshot(BudgetLine)

    response = confirm(admin_client, BudgetLine, previewed)

    assert "Er is niets geïmporteerd; zie de fouten hieronder." in messages_of(response)
    assert "gewijzigd sinds de export" in invalid_rows(response)[3]["versie"][0]
    assert snapshot(BudgetLine) == before
    assert BudgetLine.objects.get(pk=lines[1].pk).note == ""


def test_confirming_twice_imports_once(admin_client, memo):
    rows = [LINE_HEADER, [f"{MEMO}-18", "Nieuwe post", "limburgmakers", "PM", ""]]
    previewed = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))
    confirm(admin_client, BudgetLine, previewed)

    again = confirm(admin_client, BudgetLine, previewed)

    assert again.redirect_chain[-1][0] == admin_url(BudgetLine, "import")
    assert messages_of(again) == ["Het bestand van deze import is er niet meer; kies het opnieuw."]
    assert BudgetLine.objects.get(position=18).history.count() == 1


def confirmation_fields(previewed, model):
    reader = FormByAction(admin_url(model, "process_import"))
    reader.feed(previewed.content.decode())
    return dict(reader.fields)


def test_the_preview_waits_where_every_app_server_finds_it(admin_client, memo):
    """Not in this server's temp directory but in the shared cache: a confirmation that lands
    on another app server finds the file by the name in the form."""
    rows = [LINE_HEADER, [f"{MEMO}-18", "Nieuwe post", "limburgmakers", "PM", ""]]
    content = csv_bytes(rows)
    previewed = preview(admin_client, BudgetLine, "bijlage.csv", content)
    name = confirmation_fields(previewed, BudgetLine)["import_file_name"]

    assert not (Path(tempfile.gettempdir()) / name).exists()
    # Another server: nothing of this process's storage objects, only the name from the form.
    assert PreviewStorage(name=name).read() == content
    confirmed = confirm(admin_client, BudgetLine, previewed)

    assert messages_of(confirmed) == ["Import klaar: 1 nieuw, 0 bijgewerkt, 0 ongewijzigd."]
    with pytest.raises(FileNotFoundError):
        PreviewStorage(name=name).read()


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_with_redis_the_confirmation_finds_the_preview_from_another_connection(admin_client, memo):
    rows = [LINE_HEADER, [f"{MEMO}-18", "Nieuwe post", "limburgmakers", "PM", ""]]
    content = csv_bytes(rows)
    redis_url = "redis://127.0.0.1:6379/12"
    backend = "django.core.cache.backends.redis.RedisCache"
    with override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": redis_url}}):
        cache.clear()
        try:
            previewed = preview(admin_client, BudgetLine, "bijlage.csv", content)
            name = confirmation_fields(previewed, BudgetLine)["import_file_name"]
            # What another app server sees: its own connection to the same Redis.
            other_server = RedisCache(redis_url, {})
            key = other_server.make_key(PreviewStorage.CACHE_PREFIX + name)
            stored = other_server.get(PreviewStorage.CACHE_PREFIX + name)
            expires_in = redis.Redis.from_url(redis_url).ttl(key)
            confirmed = confirm(admin_client, BudgetLine, previewed)
            left = other_server.get(PreviewStorage.CACHE_PREFIX + name)
        finally:
            cache.clear()

    assert stored == content
    assert 0 < expires_in <= PreviewStorage.CACHE_LIFETIME
    assert messages_of(confirmed) == ["Import klaar: 1 nieuw, 0 bijgewerkt, 0 ongewijzigd."]
    assert left is None


def test_an_expired_preview_asks_for_the_file_again(admin_client, memo, monkeypatch):
    rows = [LINE_HEADER, [f"{MEMO}-18", "Nieuwe post", "limburgmakers", "PM", ""]]
    previewed = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))
    later = time.time() + PreviewStorage.CACHE_LIFETIME + 1
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: later))

    again = confirm(admin_client, BudgetLine, previewed)

    assert again.redirect_chain[-1][0] == admin_url(BudgetLine, "import")
    assert messages_of(again) == ["Het bestand van deze import is er niet meer; kies het opnieuw."]
    assert not BudgetLine.objects.filter(position=18).exists()


@pytest.mark.parametrize("name", ["../../etc/passwd", "0" * 31, ""])
def test_a_confirmation_reads_only_a_stored_preview(admin_client, memo, name):
    response = admin_client.post(
        admin_url(BudgetLine, "process_import"),
        {
            "import_file_name": name or "x",
            "original_file_name": "bijlage.csv",
            "format": format_choice(BudgetLine, "csv"),
            "resource": "0",
        },
        follow=True,
    )

    assert messages_of(response) == [
        "Het bestand van deze import is er niet meer; kies het opnieuw."
    ]


def test_a_file_above_the_import_limit_is_refused_on_the_form(admin_client, memo, settings):
    settings.IMPORT_MAX_BYTES = 1000
    rows = [LINE_HEADER, *([f"{MEMO}-18", "Nieuwe post " * 10, "limburgmakers", "PM", ""],) * 20]

    response = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    assert response.status_code == 200
    # filesizeformat puts a non-breaking space between the number and the unit.
    [error] = [e.replace("\xa0", " ") for e in response.context["form"].errors["import_file"]]
    assert error == (
        "Dit bestand is 3,4 KB; een import mag hoogstens 1000 bytes zijn. "
        "Verdeel de regels over meer bestanden."
    )
    assert "confirm_form" not in response.context
    assert "Hoogstens 1000\xa0bytes." in response.content.decode()


def test_a_row_exported_before_someone_else_changed_the_record_is_refused(admin_client, memo):
    line = BudgetLine.objects.get_by_public_id(f"{MEMO}-1")
    exported_version = line.version
    line.note, line._change_reason = "Nieuwer", "Correctie"
    line.save()
    rows = [["id", "toelichting", "versie"], [line.public_id, "Ouder", exported_version]]

    response = preview(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))

    message = invalid_rows(response)[2]["versie"][0]
    assert message.startswith(
        f"Dit record is gewijzigd sinds de export (versie 1, nu {line.version})"
    )


def test_an_unknown_column_is_reported_not_ignored(admin_client, memo):
    rows = [["slug", "naam", "omschrijvnig"], ["limburgmakers", "LimburgMakers", "typfout"]]

    response = preview(admin_client, Program, "programmas.csv", csv_bytes(rows))

    errors = [str(error.error) for error in response.context["result"].base_errors]
    assert errors[0].startswith("Onbekende kolom(men): omschrijvnig.")
    assert "confirm_form" not in response.context


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("programmas.xlsx", b"dit is geen xlsx"),
        # 0x81 and 0x8D are neither UTF-8 nor Windows-1252.
        ("programmas.csv", b"slug;naam\nx;\x81\x8d"),
    ],
    ids=["not-xlsx", "neither-utf8-nor-cp1252"],
)
def test_a_file_that_cannot_be_read_is_refused_on_the_form(admin_client, memo, name, content):
    response = preview(admin_client, Program, name, content)

    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert errors[0].startswith("Dit "), errors
    assert "encountered" not in response.content.decode()


def test_comma_separated_csv_with_quoted_dutch_amounts_is_read(admin_client, memo):
    rows = [LINE_HEADER, [f"{MEMO}-18", "Post, met komma", "limburgmakers", "bedrag", "2.500,75"]]

    import_all(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows, delimiter=","))

    line = BudgetLine.objects.get(position=18)
    assert (line.label, line.amount) == ("Post, met komma", Decimal("2500.75"))


# Natural keys and history


def test_natural_keys_name_the_rows_and_their_related_records(admin_client, memo):
    program_rows = [
        ["slug", "naam", "soort", "onderdeel van", "programmalijn", "status", "thema's"],
        [
            "nieuwe-cheque",
            "Nieuwe cheque",
            "regeling",
            "limburgmakers",
            "innovatiekracht-en-topsectoren",
            "lopend",
            "digitalisering, reshoring",
        ],
    ]
    commitment_rows = [["id", "termijn", "programma's"], ["toezegging-1886", "", "nieuwe-cheque"]]
    commitments = Commitment.objects.count()

    import_all(admin_client, Program, "programmas.csv", csv_bytes(program_rows))
    import_all(admin_client, Commitment, "toezeggingen.csv", csv_bytes(commitment_rows))

    program = Program.objects.get(slug="nieuwe-cheque")
    assert program.parent.slug == "limburgmakers"
    assert program.program_line.slug == "innovatiekracht-en-topsectoren"
    assert sorted(program.themes.values_list("slug", flat=True)) == ["digitalisering", "reshoring"]
    assert Commitment.objects.count() == commitments
    commitment = Commitment.objects.get_by_public_id("toezegging-1886")
    assert list(commitment.programs.values_list("slug", flat=True)) == ["nieuwe-cheque"]


def test_an_unknown_related_slug_is_a_row_error_not_a_new_record(admin_client, memo):
    rows = [["id", "thema's"], ["motie-615", "reshoring, bestaat-niet"]]

    response = preview(admin_client, Commitment, "moties.csv", csv_bytes(rows))

    assert invalid_rows(response)[2]["thema's"] == ["Onbekend in thema's: bestaat-niet."]


def test_every_imported_record_has_a_history_entry_with_the_file_and_user(admin_client, memo):
    lines_before = BudgetLine.history.count()
    rows = [
        LINE_HEADER,
        [f"{MEMO}-1", "Programma LimburgMakers 2013-2016", "limburgmakers", "bedrag", "8.900.000"],
        [f"{MEMO}-18", "Nieuwe post", "limburgmakers", "PM", ""],
    ]
    deadline_rows = [["id", "status", "termijn"], ["toezegging-1886", "voldaan", "eind 2016"]]

    import_all(admin_client, BudgetLine, "bijlage 2016.csv", csv_bytes(rows))
    import_all(admin_client, Commitment, "termijnen.xlsx", xlsx_bytes(deadline_rows))

    assert BudgetLine.history.count() == lines_before + 2
    for public_id, kind in [(f"{MEMO}-1", "~"), (f"{MEMO}-18", "+")]:
        entry = BudgetLine.objects.get_by_public_id(public_id).history.latest()
        assert entry.history_type == kind
        assert entry.history_change_reason == "Import uit bijlage 2016.csv door admin"
        assert entry.history_user.username == "admin"
    commitment = Commitment.objects.get_by_public_id("toezegging-1886")
    assert (
        commitment.history.latest().history_change_reason == "Import uit termijnen.xlsx door admin"
    )
    change = DeadlineChange.objects.get(commitment=commitment)
    assert (change.reason, change.changed_by.username) == (
        "Import uit termijnen.xlsx door admin",
        "admin",
    )


def test_a_long_file_name_is_shortened_to_fit_the_history(admin_client, memo):
    name = "begrotingsposten " + "heel " * 30 + "lang.csv"
    rows = [LINE_HEADER, [f"{MEMO}-18", "Nieuwe post", "limburgmakers", "PM", ""]]

    import_all(admin_client, BudgetLine, name, csv_bytes(rows))

    reason = BudgetLine.objects.get(position=18).history.latest().history_change_reason
    assert len(reason) == 100
    assert reason.startswith("Import uit begrotingsposten heel")
    assert reason.endswith("… door admin")


# Export, and back


@pytest.mark.parametrize("title", ["csv", "xlsx"])
@pytest.mark.parametrize("model", list(RESOURCES), ids=lambda model: model._meta.model_name)
def test_export_then_import_of_the_memo_changes_nothing(admin_client, memo, model, title):
    before = snapshot(*RESOURCES)
    content = export(admin_client, model, title)

    previewed = preview(admin_client, model, f"export.{title}", content)
    result = previewed.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert result.totals["skip"] == model.objects.count() > 0
    assert result.totals["new"] == result.totals["update"] == 0

    confirmed = confirm(admin_client, model, previewed)

    count = model.objects.count()
    assert messages_of(confirmed) == [f"Import klaar: 0 nieuw, 0 bijgewerkt, {count} ongewijzigd."]
    assert snapshot(*RESOURCES) == before


@pytest.mark.parametrize("model", list(RESOURCES))
def test_every_exported_row_carries_the_records_uuid_which_the_import_leaves_alone(
    admin_client, memo, model
):
    rows = list(csv.DictReader(io.StringIO(export(admin_client, model, "csv").decode())))

    uuids = {str(uuid) for uuid in model.objects.values_list("uuid", flat=True)}
    assert rows and {row["vaste id"] for row in rows} == uuids


def test_the_export_uses_natural_keys_dutch_labels_and_exact_amounts(admin_client, memo):
    sheet = load_workbook(io.BytesIO(export(admin_client, BudgetLine, "xlsx"))).active
    rows = list(sheet.values)
    first = dict(zip(rows[0], rows[1], strict=True))

    assert first["id"] == f"{MEMO}-1"
    assert first["programma"] == "limburgmakers"
    assert first["soort bijdrage"] == "bedrag"
    assert first["publicatiestatus"] == "gepubliceerd"
    assert Decimal(str(first["bedrag (euro)"])) == Decimal("8900000.00")
    # CSV by the machine convention of every CSV: no byte order mark, a decimal point.
    content = export(admin_client, BudgetLine, "csv")
    assert not content.startswith(b"\xef\xbb\xbf")
    line = content.decode("utf-8").splitlines()[1]
    assert line.startswith(f"{MEMO}-1,Programma LimburgMakers,limburgmakers,bedrag,8900000.00,")


def test_the_export_has_amounts_as_euros_and_days_as_dates_and_reads_back(admin_client, memo):
    made = CommitmentFactory(made_on="7 november 2014", deadline="medio 2016", votes_for=None)

    workbook = load_workbook(io.BytesIO(export(admin_client, Commitment, "xlsx")))
    assert workbook.sheetnames == ["Toezeggingen en moties", "Bron"]
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == made.public_id)
    made_on, deadline = row[header.index("datum")], row[header.index("termijn")]
    assert made_on.is_date and made_on.value.date() == datetime.date(2014, 11, 7)
    assert deadline.value == "medio 2016"  # a period stays as it is written
    lines = load_workbook(io.BytesIO(export(admin_client, BudgetLine, "xlsx"))).worksheets[0]
    amount = lines.cell(2, [c.value for c in lines[1]].index("bedrag (euro)") + 1)
    assert (amount.value, amount.number_format) == (8900000, '"€" #,##0.00')
    source = dict(workbook["Bron"].values)
    assert source["Bron"].startswith("http://testserver/admin/programs/commitment/")
    assert isinstance(source["Opgehaald op"], datetime.datetime)

    text = export(admin_client, Commitment, "csv").decode("utf-8")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["id"] == made.public_id)
    assert (row["datum"], row["termijn"]) == ("2014-11-07", "medio 2016")
    for title in ("csv", "xlsx"):
        content = export(admin_client, Commitment, title)
        previewed = preview(admin_client, Commitment, f"export.{title}", content)
        result = previewed.context["result"]
        assert not result.has_validation_errors(), invalid_rows(previewed)
        assert result.totals["skip"] == Commitment.objects.count()


@pytest.mark.parametrize("title", ["csv", "xlsx"])
def test_amounts_with_cents_and_days_export_and_import_back_exactly(admin_client, memo, title):
    SubsidyFactory(
        slug="met-centen",
        granted_amount=Decimal("1.50"),
        status=Subsidy.Status.SETTLED,
        settled_amount=Decimal("1000.00"),
        project_volume=Decimal("1234567.89"),
        granted_on="7 april 2015",
    )
    before = snapshot(*RESOURCES)

    content = export(admin_client, Subsidy, title)

    if title == "csv":
        text = content.decode("utf-8")
        row = next(r for r in csv.DictReader(io.StringIO(text)) if r["slug"] == "met-centen")
        assert row["verleend bedrag (euro)"] == "1.50"
        assert row["projectvolume (euro)"] == "1234567.89"
        assert row["datum verlening"] == "2015-04-07"
    previewed = preview(admin_client, Subsidy, f"export.{title}", content)
    result = previewed.context["result"]
    assert not result.has_validation_errors(), invalid_rows(previewed)
    assert result.totals["skip"] == Subsidy.objects.count()
    confirm(admin_client, Subsidy, previewed)
    assert snapshot(*RESOURCES) == before
    subsidy = Subsidy.objects.get(slug="met-centen")
    assert (subsidy.granted_amount, subsidy.project_volume) == (
        Decimal("1.50"),
        Decimal("1234567.89"),
    )


@pytest.mark.parametrize("title", ["csv", "xlsx"])
def test_a_formula_in_a_text_cell_is_neutralised_in_the_export(admin_client, title):
    formula = '=HYPERLINK("https://example.org","klik")'
    program = ProgramFactory(slug="formule", description=formula, publication_status="concept")

    content = export(admin_client, Program, title)

    if title == "xlsx":
        rows = list(load_workbook(io.BytesIO(content)).active.values)
        cells = dict(zip(rows[0], rows[1], strict=True))
    else:
        cells = next(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert cells["omschrijving"] == f"'{formula}"
    # Read back, the neutralising quote is gone again: the export imports without a change.
    previewed = preview(admin_client, Program, f"export.{title}", content)
    assert previewed.context["result"].totals["skip"] == 1
    program.refresh_from_db()
    assert program.description == formula


# Templates


@pytest.mark.parametrize("model", list(RESOURCES), ids=lambda model: model._meta.model_name)
def test_each_import_has_a_template_with_its_columns_explained(admin_client, memo, model):
    columns = [column.column_name for column in RESOURCES[model].columns()]
    url = admin_url(model, "import_template")

    response = admin_client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="sjabloon-')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Gegevens", "Toelichting"]
    assert list(next(workbook["Gegevens"].values)) == columns
    assert workbook["Gegevens"].max_row == 1
    explained = [row[0] for row in workbook["Toelichting"].iter_rows(min_row=4, values_only=True)]
    assert explained == columns
    csv_template = admin_client.get(url, {"formaat": "csv"}).content.decode("utf-8")
    assert next(csv.reader(io.StringIO(csv_template))) == columns
    for page in (admin_url(model, "changelist"), admin_url(model, "import")):
        assert url in admin_client.get(page).content.decode()


def test_a_filled_in_template_imports(admin_client, memo):
    template = load_workbook(
        io.BytesIO(admin_client.get(admin_url(Organisation, "import_template")).content)
    )
    sheet = template["Gegevens"]
    values = {"slug": "nieuwe-bv", "naam": "Nieuwe BV", "soort": "bedrijf", "plaats": "Venlo"}
    sheet.append([values.get(cell.value, "") for cell in sheet[1]])
    buffer = io.BytesIO()
    template.save(buffer)

    import_all(admin_client, Organisation, "organisaties.xlsx", buffer.getvalue())

    organisation = Organisation.objects.get(slug="nieuwe-bv")
    assert (organisation.name, organisation.place) == ("Nieuwe BV", "Venlo")
    assert organisation.publication_status == PublicationStatus.CONCEPT


# Roles


def test_an_editor_cannot_publish_through_an_import(as_role, memo):
    client = as_role("Redacteur")
    rows = [
        ["slug", "naam", "soort", "status", "publicatiestatus"],
        ["concept-programma", "Concept", "programma", "gepland", "concept"],
        ["gepubliceerd-programma", "Gepubliceerd", "programma", "gepland", "gepubliceerd"],
        ["limburgmakers", "LimburgMakers (gewijzigd)", "programma", "lopend", "gepubliceerd"],
    ]

    response = preview(client, Program, "programmas.csv", csv_bytes(rows))

    errors = invalid_rows(response)
    assert set(errors) == {3, 4}
    for line in (3, 4):
        assert errors[line]["publicatiestatus"][0].startswith("Alleen wie mag publiceren")
    assert not Program.objects.filter(slug__in=["concept-programma", "gepubliceerd-programma"])
    assert Program.objects.get(slug="limburgmakers").name == "Programma LimburgMakers"


def test_an_editor_imports_concepts_and_a_publicist_publishes_them(as_role, memo, client):
    rows = [["slug", "naam", "soort", "status"], ["nieuw", "Nieuw", "programma", "gepland"]]
    import_all(as_role("Redacteur"), Program, "programmas.csv", csv_bytes(rows))
    assert Program.objects.get(slug="nieuw").publication_status == PublicationStatus.CONCEPT

    client.logout()
    publish = [["slug", "publicatiestatus"], ["nieuw", "gepubliceerd"]]
    import_all(as_role("Publicist"), Program, "publiceren.csv", csv_bytes(publish))

    assert Program.objects.get(slug="nieuw").is_published


def test_an_editor_cannot_close_a_commitment_through_an_import(as_role):
    CommitmentFactory(number="2100", publication_status=PublicationStatus.CONCEPT)
    rows = [["id", "status", "toelichting afdoening"], ["toezegging-2100", "voldaan", "Gedaan"]]

    response = preview(as_role("Redacteur"), Commitment, "toezeggingen.csv", csv_bytes(rows))

    errors = invalid_rows(response)[2]
    assert errors["status"][0].startswith("Alleen wie toezeggingen en moties mag afdoen")
    assert Commitment.objects.get(number="2100").status == Commitment.Status.OPEN


def test_a_reader_may_export_but_not_import(as_role, memo):
    client = as_role("Lezer")

    assert client.get(admin_url(Program, "import")).status_code == 403
    assert client.get(admin_url(Program, "import_template")).status_code == 403
    assert b"limburgmakers" in export(client, Program, "csv")
    changelist = client.get(admin_url(Program, "changelist")).content.decode()
    assert admin_url(Program, "export") in changelist
    assert admin_url(Program, "import") not in changelist


# The pages


@pytest.mark.parametrize("view", ["import", "export"])
def test_import_and_export_pages_need_no_inline_script_or_style(admin_client, memo, view):
    """The CSP allows no inline script or style; these pages must work without them."""
    page = admin_client.get(admin_url(BudgetLine, view))

    html = page.content.decode()
    assert page.status_code == 200
    assert "style=" not in html
    assert " onchange=" not in html and " onclick=" not in html
    for script in html.split("<script")[1:]:
        tag = script.split(">", 1)[0]
        assert "src=" in tag or "application/json" in tag, tag

"""Open-data standards for money: subsidies as 360Giving, budget lines as a Fiscal Data Package.

Published records only, whoever asks. Nothing is filled in that the data does not say:
a subsidy without a granted amount or date is not a 360Giving grant (both are required
there) and is left out; a PM line or a line paid by others has an empty amount and says
so in `contributionKind`, so that no sum counts it as 0.
"""

from django.conf import settings
from django.urls import reverse

from common.fuzzydates import Precision

from .models import BudgetLine, Subsidy

# 360Giving identifiers: our prefix with the record's uuid, which no rename changes.
GRANT_PREFIX = "360G-limburg-"
ORGANISATION_PREFIX = "360G-limburg-org-"
FUNDER = {"id": f"{ORGANISATION_PREFIX}provincie-limburg", "name": "Provincie Limburg"}

GIVING_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Award Period",
    "URL",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:City",
    "Recipient Org:Web Address",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Grant Programme:URL",
    "Last modified",
    "Data Source",
]


def awarded_subsidies():
    """The published subsidies that are 360Giving grants, newest award first."""
    return (
        Subsidy.objects.published()
        .awarded()
        .select_related("instrument", "recipient")
        .with_last_changed()
        .order_by("-granted_on_date", "slug")
    )


def grant(subsidy, request):
    """One subsidy as a 360Giving grant."""
    instrument, recipient = subsidy.instrument, subsidy.recipient
    title = f"{instrument.name}: {recipient.name}"
    awarded = {
        "id": f"{GRANT_PREFIX}{subsidy.uuid}",
        "title": title,
        "description": subsidy.description or title,
        "currency": "EUR",
        "amountAwarded": json_number(subsidy.granted_amount),
        "awardDate": subsidy.granted_on.start.isoformat(),
    }
    if subsidy.granted_on.precision != Precision.DAY:
        # The standard wants a day; the source names a period, given here as written.
        awarded["awardPeriod"] = str(subsidy.granted_on)
    return {
        **awarded,
        "url": request.build_absolute_uri(reverse("api:subsidy-detail", args=[subsidy.slug])),
        "recipientOrganization": [organisation(recipient)],
        "fundingOrganization": [FUNDER],
        "grantProgramme": [
            {
                "code": str(instrument.uuid),
                "title": instrument.name,
                "url": request.build_absolute_uri(instrument.get_absolute_url()),
            }
        ],
        "dateModified": subsidy.last_changed.isoformat(),
        "dataSource": request.build_absolute_uri(reverse("api:subsidy-three-sixty-giving")),
    }


def organisation(record):
    """A 360Giving organisation: identifier and name, with city and website when known."""
    found = {"id": f"{ORGANISATION_PREFIX}{record.uuid}", "name": record.name}
    if record.place:
        found["addressLocality"] = record.place
    if record.website:
        found["url"] = record.website
    return found


def json_number(amount):
    """A Decimal as a JSON number: whole euros as an integer, cents kept otherwise."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def open_data_licence():
    """The licence the province publishes its open data under (`OPEN_DATA_LICENCE`): a Data
    Package `licenses` entry, `{"name": "CC0-1.0", "path": ..., "title": ...}`."""
    return dict(settings.OPEN_DATA_LICENCES[settings.OPEN_DATA_LICENCE])


# The 360Giving Data Standard version the package follows (its schema is in vendor/360giving).
GIVING_VERSION = "1.4"


def giving_package(request):
    """The 360Giving data package: `{"grants": [...]}` with the package metadata, among which
    the licence (the standard has it on the package; a grant has no licence of its own)."""
    return {
        "version": GIVING_VERSION,
        "title": "Subsidies maakindustrie, Provincie Limburg",
        "description": (
            "Verleende en vastgestelde subsidies van Provincie Limburg voor de maakindustrie "
            "met een bekend bedrag en een bekende datum."
        ),
        "publisher": {"name": FUNDER["name"], "identifier": FUNDER["id"]},
        "license": open_data_licence()["path"],
        "accessURL": request.build_absolute_uri(reverse("home")),
        "downloadURL": request.build_absolute_uri(reverse("api:subsidy-three-sixty-giving")),
        "grants": [grant(subsidy, request) for subsidy in awarded_subsidies()],
    }


def giving_table(request):
    """The same grants as the 360Giving flat CSV: header titles, one row per grant."""
    yield GIVING_COLUMNS
    for subsidy in awarded_subsidies():
        data = grant(subsidy, request)
        recipient, programme = data["recipientOrganization"][0], data["grantProgramme"][0]
        yield [
            data["id"],
            data["title"],
            data["description"],
            data["currency"],
            subsidy.granted_amount,
            data["awardDate"],
            data.get("awardPeriod", ""),
            data["url"],
            recipient["id"],
            recipient["name"],
            recipient.get("addressLocality", ""),
            recipient.get("url", ""),
            FUNDER["id"],
            FUNDER["name"],
            programme["code"],
            programme["title"],
            programme["url"],
            data["dateModified"],
            data["dataSource"],
        ]


# Fiscal Data Package v1.0-rc.1: a Tabular Data Package whose fields carry a `columnType`
# (the FDP 0.3 `model` is gone from that version). It declares the profile
# `tabular-data-package`, which validators know without fetching anything, and names the FDP
# version in `fiscalDataPackage`.
FISCAL_DATA_PACKAGE = {
    "version": "1.0-rc.1",
    "url": "https://specs.frictionlessdata.io/fiscal-data-package/",
}

CONTRIBUTION_KIND_HELP = (
    "amount: een bekend bedrag (wie betaalt staat in funder); pm: pro memorie, het bedrag "
    "is nog niet bekend; external: op kosten van derden (EU, Rijk, ...). Bij pm en external "
    "is het bedrag leeg: tel die posten, tel ze nooit op als 0."
)


def fiscal_field(name, kind, description="", **extra):
    """A Table Schema field; `columnType` (FDP v1) names its fiscal meaning, when it has one."""
    field = {"name": name, "type": kind, **extra}
    if description:
        field["description"] = description
    return field


FISCAL_FIELDS = [
    fiscal_field(
        "id",
        "string",
        "Document en rij: de sleutel in /api/v1/budget-lines/{id}.",
        columnType="budget-line-id",
        constraints={"required": True, "unique": True},
    ),
    fiscal_field("document", "string", "Slug van het brondocument."),
    fiscal_field("position", "integer", "Rij in het document."),
    fiscal_field("description", "string", "De rij zoals het document haar noemt."),
    fiscal_field("program", "string", columnType="activity:generic:program:code"),
    fiscal_field("programName", "string", columnType="activity:generic:program:label"),
    fiscal_field(
        "contributionKind",
        "string",
        CONTRIBUTION_KIND_HELP,
        constraints={"required": True, "enum": ["bedrag", "pm", "derden"]},
    ),
    fiscal_field(
        "amount",
        "number",
        "In euro's; leeg bij pm en external.",
        columnType="value",
        constraints={"minimum": 0},
    ),
    fiscal_field(
        "funder",
        "string",
        "Wie betaalt: provincie, EU, Rijk of derden.",
        constraints={"enum": ["provincie", "eu", "rijk", "derden"]},
    ),
    fiscal_field(
        "label", "string", "Zoals het document het schrijft: € 8,9 mln, PM, op kosten EU."
    ),
    fiscal_field("start", "string", "Begin van de periode, in het Nederlands (medio 2013)."),
    fiscal_field("startDate", "date", "Eerste dag van die beginperiode."),
    fiscal_field("end", "string", "Einde van de periode (medio 2016)."),
    fiscal_field("endDate", "date", "Laatste dag van die eindperiode."),
    fiscal_field("sourceLocator", "string", "Vindplaats in het document."),
    fiscal_field("note", "string", "Toelichting."),
]
FISCAL_SCHEMA = {
    "fields": FISCAL_FIELDS,
    "primaryKey": "id",
    "missingValues": [""],
    "extraFields": [
        {
            "name": "currency",
            "type": "string",
            "columnType": "value-currency:code",
            "constant": "EUR",
        }
    ],
}


def published_budget_lines():
    return (
        BudgetLine.objects.published()
        .select_related("document", "program")
        .order_by("document__slug", "position")
    )


def fiscal_data_package(request):
    """The `datapackage.json` descriptor; its one resource is the CSV of `fiscal_table`."""
    return {
        "profile": "tabular-data-package",
        "fiscalDataPackage": FISCAL_DATA_PACKAGE,
        "name": "limburg-maakindustrie-begrotingsposten",
        "title": "Begrotingsposten maakindustrie, Provincie Limburg",
        "description": (
            "De bijdragen van de provincie aan programma's voor de maakindustrie, per rij van "
            "het brondocument. PM-posten (bedrag nog niet bekend) en posten op kosten van "
            "derden hebben geen bedrag; contributionKind zegt welke soort het is."
        ),
        "homepage": request.build_absolute_uri(reverse("home")),
        "countryCode": "NL",
        "licenses": [open_data_licence()],
        "resources": [
            {
                "name": "begrotingsposten",
                "path": request.build_absolute_uri(reverse("api:budget-line-datapackage-csv")),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": FISCAL_SCHEMA,
            }
        ],
    }


def fiscal_table():
    """The budget lines as the package's CSV: the header (the schema's fields), then rows."""
    yield [field["name"] for field in FISCAL_FIELDS]
    for line in published_budget_lines():
        yield fiscal_row(line)


def fiscal_row(line):
    start, end = line.start, line.end
    return [
        line.public_id,
        line.document.slug,
        line.position,
        line.label,
        line.program.slug,
        line.program.name,
        line.contribution_kind,
        line.amount,
        line.funder,
        str(line.contribution_label),
        str(start) if start else "",
        start.start.isoformat() if start else "",
        str(end) if end else "",
        end.end.isoformat() if end else "",
        line.source_locator,
        line.note,
    ]

"""The leak test: concept records of every model carry a marker; an anonymous crawl of every
public page and API endpoint, following links and trying every list filter, never shows it,
and neither does a digest mailed to someone who follows what they are tied to."""

import re
from collections import deque
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.apps import apps
from django.utils import timezone

from budgets.models import BudgetLine
from programs.models import (
    Commitment,
    CommitmentRelation,
    Organisation,
    Program,
    PublicationStatus,
    Publishable,
    Theme,
)
from subscriptions.digests import send_due
from subscriptions.models import Follow, Subscriber

from . import factories

pytestmark = pytest.mark.django_db

MARKER = "LEKMARKER"
CONCEPT = {"publication_status": PublicationStatus.CONCEPT}
SEEDS = [
    "/",
    "/programmas",
    "/toezeggingen",
    "/toezeggingen/rappellijst",
    "/themas",
    "/acties",
    "/organisaties",
    "/api/v1",
    # Open data: whole lists as CSV, the standards' packages, the feeds.
    "/api/v1/changes?pageSize=1000",
    "/api/v1/subsidies/360giving",
    "/api/v1/subsidies/360giving?format=csv",
    "/api/v1/budget-lines/datapackage.json",
    "/api/v1/budget-lines/datapackage.csv",
    "/wijzigingen.atom",
    "/wijzigingen?sinds=2000-01-01",
    "/wijzigingen?sinds=2000-01-01&tabel=commitment&format=csv",
    "/termijnen.ics",
    # Search for the planted concept records by name, by part of a name and by slug. In lower
    # case: the page repeats the query, and the marker check is case-sensitive, so only a found
    # record can put "LEKMARKER" on the page.
    "/zoeken?q=lekmarker",
    "/zoeken?q=lekmarke",
    "/zoeken?q=lekmarker+programma",
    "/zoeken?q=lekmarker+post",
    "/zoeken?q=lek",
    "/zoeken?q=lek-programma",
    "/zoeken?q=lek-org",
    "/zoeken?q=lek-subsidie",
    "/zoeken?q=9999",
]
SKIP = ("/admin/", "/i18n/", "/static/")


def plant_concepts(memo):
    """One concept record of every publishable model, hooked onto published memo records."""
    limburgmakers = Program.objects.get(slug="limburgmakers")
    f = factories
    theme = f.ThemeFactory(slug="lek-thema", name=f"{MARKER} thema", **CONCEPT)
    limburgmakers.themes.add(theme)
    organisation = f.OrganisationFactory(slug="lek-org", name=f"{MARKER} bv", **CONCEPT)
    f.ProgramOrganisationFactory(
        program=limburgmakers, organisation=organisation, note=MARKER, **CONCEPT
    )
    document = f.DocumentFactory(slug="lek-document", title=f"{MARKER} stuk", **CONCEPT)
    line = f.ProgramLineFactory(
        slug="lek-lijn", name=f"{MARKER} lijn", budget_program__name=f"{MARKER} bp", **CONCEPT
    )
    line.budget_program.publication_status = PublicationStatus.CONCEPT
    line.budget_program.save()
    program = f.ProgramFactory(
        slug="lek-programma", name=f"{MARKER} programma", parent=limburgmakers, **CONCEPT
    )
    f.ProgramFactory(slug="open-met-lek-lijn", program_line=line, source=document)
    person = f.PersonFactory(slug="lek-persoon", name=f"{MARKER} persoon", **CONCEPT)
    meeting = f.MeetingFactory(slug="lek-vergadering", body=f"{MARKER} commissie", **CONCEPT)
    commitment = f.CommitmentFactory(
        number="9999", title=f"{MARKER} toezegging", deadline="2020", **CONCEPT
    )
    published = f.CommitmentFactory(
        number="9998", title="Open toezegging", deadline="2020", made_by=person, meeting=meeting
    )
    published.submitters.add(person)
    published.programs.add(program)
    CommitmentRelation.objects.create(
        commitment=published, related=commitment, kind="vervangt", note=MARKER, **CONCEPT
    )
    f.SettlementFactory(commitment=published, explanation=MARKER, **CONCEPT)
    f.SettlementFactory(commitment=published, proposal_document=document)
    action = f.ActionFactory(slug="lek-actie", title=f"{MARKER} actie", **CONCEPT)
    action.commitments.add(published)
    f.ActionFactory(slug="open-actie", owner=organisation, program=program).commitments.add(
        commitment
    )
    f.IndicatorFactory(slug="lek-kengetal", name=f"{MARKER} kengetal", **CONCEPT)
    f.IndicatorFactory(slug="open-kengetal", program=program, source=document)
    BudgetLine.objects.create(
        document=memo,
        position=50,
        label=f"{MARKER} post",
        program=limburgmakers,
        contribution_kind="bedrag",
        amount=123456789,
        **CONCEPT,
    )
    f.BudgetLineFactory(
        document=memo, position=51, label=f"{MARKER} via programma", program=program
    )
    f.SubsidyFactory(slug="lek-subsidie", description=MARKER, instrument=limburgmakers, **CONCEPT)
    f.SubsidyFactory(slug="subsidie-aan-lek", recipient=organisation, instrument=program)
    return {
        "theme": "lek-thema",
        "organisation": "lek-org",
        "document": "lek-document",
        "program": "lek-programma",
        "person": "lek-persoon",
        "meeting": "lek-vergadering",
        "commitment": "toezegging-9999",
    }


def test_every_publishable_model_has_a_planted_concept(memo):
    plant_concepts(memo)
    publishable = [
        model
        for model in apps.get_models()
        if issubclass(model, Publishable) and not model.__name__.startswith("Historical")
    ]
    for model in publishable:
        assert model.objects.filter(publication_status="concept").exists(), model


def content_of(response):
    """The body, read whole: CSV lists are streamed."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def links_in(response, content):
    body = content.decode()
    if response["Content-Type"].startswith("application/"):
        found = re.findall(r'"(http://testserver/[^"]*)"', body)
    else:
        found = re.findall(r'href="(/[^"#]*)"', body)
    for link in found:
        parts = urlsplit(link.replace("&amp;", "&"))
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def combines_pages(url):
    """Whether `url` names the pages of two tables of one page (`?pagina-a=2&pagina-b=3`):
    each table's pages are crawled one at a time, and their combinations would grow as their
    product (the changes page has nine tables)."""
    names = parse_qs(urlsplit(url).query)
    return sum(name.startswith("pagina") for name in names) > 1


def filter_probes(client, planted):
    """Every list filter of the OpenAPI document, with enum values and the planted slugs."""
    schema = client.get("/api/v1/openapi.json").json()
    server = schema["servers"][0]["url"]
    for path, operations in schema["paths"].items():
        if "{" in path:
            continue
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] != "query" or parameter["name"] in ("page", "pageSize"):
                continue
            values = (
                parameter["schema"].get("enum")
                or parameter["schema"].get("items", {}).get("enum")
                or ["true", "false", "2020-01-01", "onbekend", *planted.values()]
            )
            for value in values:
                yield f"{server}{path}?{urlencode({parameter['name']: value})}"


def test_an_anonymous_crawl_never_sees_concept_data(client, memo):
    planted = plant_concepts(memo)
    probes = set(filter_probes(client, planted))
    queue = deque(SEEDS + sorted(probes))
    queue.extend(
        f"/toezeggingen?{urlencode({name: value})}"
        for name, value in [
            ("theme", "lek-thema"),
            ("portfolioHolder", "lek-persoon"),
            ("meeting", "lek-vergadering"),
            ("overdue", "true"),
            ("program", "lek-programma"),
        ]
    )
    queue.extend(
        f"/acties?{urlencode({name: value})}"
        for name, value in [
            ("theme", "lek-thema"),
            ("owner", "lek-org"),
            ("program", "lek-programma"),
            ("commitment", "toezegging-9999"),
            ("source", "lek-document"),
        ]
    )
    queue.extend(
        f"/wijzigingen?{urlencode({'sinds': '2000-01-01', name: value})}"
        for name, value in [
            ("theme", "lek-thema"),
            ("program", "lek-programma"),
            ("organisation", "lek-org"),
            ("portfolioHolder", "lek-persoon"),
            ("vergadering", "lek-vergadering"),
        ]
    )
    queue.extend(["/themas/lek-thema", "/acties/lek-actie", "/acties/open-actie"])
    queue.append("/toezeggingen/rappellijst?vergadering=lek-vergadering")
    queue.append("/toezeggingen/rappellijst?datum=2030-01-01&format=csv")
    queue.append("/toezeggingen/rappellijst?datum=2030-01-01&format=xlsx")
    seen = set()
    while queue:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP) or combines_pages(url):
            continue
        seen.add(url)
        response = client.get(url)
        content = content_of(response)
        assert response.status_code in (200, 400, 404), url
        # A probe that misses its endpoint would prove nothing.
        assert url not in probes or response.status_code != 404, url
        assert MARKER.encode() not in content, url
        assert b"123456789" not in content, url
        if (
            response.status_code == 200 and "html" in response["Content-Type"]
        ) or "json" in response["Content-Type"]:
            queue.extend(link for link in links_in(response, content) if link not in seen)
    assert len(seen) > 200, len(seen)


def test_a_digest_never_holds_concept_data(memo, mailoutbox):
    """An address following every kind of thing, each tied to planted concept records, gets
    digests of every change made after it confirmed: none names a concept record."""
    plant_concepts(memo)
    now = timezone.now()
    subscriber = Subscriber.objects.create(email="volger@example.nl", frequency="dagelijks")
    subscriber.confirm(now)
    subscriber.save()
    published = Commitment.objects.get(number="9998")
    follows = {
        Follow.Kind.PROGRAM: Program.objects.get(slug="limburgmakers").uuid,
        Follow.Kind.COMMITMENT: published.uuid,
        Follow.Kind.DOCUMENT: memo.uuid,
        Follow.Kind.ORGANISATION: Organisation.objects.get(slug="liof").uuid,
        Follow.Kind.THEME: Theme.objects.published().first().uuid,
        Follow.Kind.OVERDUE: "",
        Follow.Kind.COMMITTEE: published.meeting.body,
    }
    for kind, target in follows.items():
        subscriber.follows.create(kind=kind, target=str(target), confirmed_at=now)
    for model in [m for m in apps.get_models() if issubclass(m, Publishable)]:
        for record in model.objects.filter(publication_status="concept"):
            record.save()  # a concept edited: no public change
    for record in [published, Program.objects.get(slug="limburgmakers"), memo]:
        record.save()
    published.title = "Open toezegging, herzien"
    published.save()

    sent, failed = send_due(subscriber.next_digest_at)

    assert failed == 0 and len(sent) == 1
    [digest] = mailoutbox
    text = digest.message().as_string()
    assert MARKER not in text and "123456789" not in text
    assert "Open toezegging -> Open toezegging, herzien" in text

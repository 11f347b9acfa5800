"""Themes, actions and organisations as pages: published records only, linked to each other."""

import html
import re
from collections import deque

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from budgets.models import BudgetLine
from programs.models import Action, Commitment, Organisation, Program, PublicationStatus, Theme

from . import factories

pytestmark = pytest.mark.django_db

CONCEPT = {"publication_status": PublicationStatus.CONCEPT}


def text_of(response):
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode())))


def rows_of(response, table):
    return response.context["tables"][table].records


# Themes


def test_the_theme_list_counts_published_programs_actions_and_commitments(client, memo):
    reshoring = Theme.objects.get(slug="reshoring")
    factories.ProgramFactory(name="Geheim programma", themes=[reshoring], **CONCEPT)
    factories.ActionFactory(title="Geheime actie", **CONCEPT).themes.add(reshoring)
    factories.CommitmentFactory(title="Geheime toezegging", **CONCEPT).themes.add(reshoring)

    response = client.get("/themas")

    assert response.status_code == 200
    counts = {theme.slug: theme for theme in rows_of(response, "themas")}
    assert set(counts) == set(Theme.objects.published().values_list("slug", flat=True))
    shown = counts["reshoring"]
    assert shown.program_count == reshoring.programs.published().count() == 3
    assert shown.action_count == reshoring.actions.published().count() == 3
    assert shown.commitment_count == reshoring.commitments.published().count() == 3
    content = response.content.decode()
    assert 'href="/themas/reshoring"' in content
    assert 'href="/acties?theme=reshoring"' in content
    assert 'href="/toezeggingen?theme=reshoring"' in content


def test_a_theme_page_shows_its_records_and_the_contribution_of_its_programs(client, memo):
    response = client.get("/themas/financiering")

    assert response.status_code == 200
    theme = Theme.objects.get(slug="financiering")
    expected = BudgetLine.objects.published().filter(program__themes=theme).totals()
    assert expected.label == "€ 58,9 mln + 2 × PM"
    text = text_of(response)
    assert "Provinciale bijdrage € 58,9 mln + 2 × PM" in text
    assert "Totaal € 58,9 mln + 2 × PM" in text, "the budget lines' footer says the same"
    assert {p.slug for p in rows_of(response, "programmas")} >= {
        "limburgmakers",
        "mkb-leningenfonds",
    }
    assert {a.slug for a in rows_of(response, "acties")} == set(
        theme.actions.published().values_list("slug", flat=True)
    )
    assert "limburgmakers-subsidiebedrag" in {i.slug for i in rows_of(response, "kengetallen")}
    assert "toezegging-1887" in {c.public_id for c in rows_of(response, "toezeggingen")}
    assert "Een sterke maakindustrie in Limburg" in text, "each fact cites its source"


def test_a_theme_page_leaves_out_concept_records(client, memo):
    theme = Theme.objects.get(slug="financiering")
    program = factories.ProgramFactory(name="Verborgen fonds", themes=[theme], **CONCEPT)
    factories.BudgetLineFactory(program=program, amount=123456789)
    factories.ActionFactory(title="Verborgen actie", **CONCEPT).themes.add(theme)
    factories.IndicatorFactory(name="Verborgen kengetal", **CONCEPT).themes.add(theme)

    response = client.get("/themas/financiering")

    text = text_of(response)
    assert "Verborgen" not in text
    assert "€ 58,9 mln + 2 × PM" in text, "a concept program's money is not counted"


@pytest.mark.parametrize("path", ["/themas/bestaat-niet", "/themas/concept-thema"])
def test_unknown_and_concept_themes_are_404(client, memo, path):
    factories.ThemeFactory(slug="concept-thema", **CONCEPT)
    assert client.get(path).status_code == 404


def test_staff_who_may_read_concepts_see_the_concept_theme(admin_client, memo):
    factories.ThemeFactory(slug="concept-thema", name="Conceptthema", **CONCEPT)
    assert admin_client.get("/themas/concept-thema").status_code == 200
    assert "Conceptthema" in text_of(admin_client.get("/themas"))


def test_themes_and_actions_know_their_pages(memo):
    assert Theme.objects.get(slug="reshoring").get_absolute_url() == "/themas/reshoring"
    action = Action.objects.get(slug="lbdf-operationeel")
    assert action.get_absolute_url() == "/acties/lbdf-operationeel"


# Actions


def test_the_action_list_shows_owner_program_due_date_and_status(client, memo):
    response = client.get("/acties")

    assert response.status_code == 200
    assert len(rows_of(response, "acties")) == Action.objects.published().count() == 17
    row = next(
        cells
        for cells in response.context["tables"]["acties"].body
        if cells[0].text.startswith("Besluit over doorontwikkeling")
    )
    assert [cell.text for cell in row[1:5]] == [
        "Provincie Limburg",
        "Pilot programma Service Innovatie MKB Limburg",
        "najaar 2015",
        "aangekondigd",
    ]
    assert row[0].link == "/acties/besluit-doorontwikkeling-pilot-service-innovatie"
    assert row[2].link == "/programmas/pilot-service-innovatie-mkb-limburg"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=in_uitvoering", {"masterplan-opleidings-en-toeleidingsinfrastructuur-opzetten",
                                "haalbaarheid-manufacturing-centre"}),
        ("theme=campussen", {"haalbaarheid-manufacturing-centre",
                             "smart-services-campus-faciliteiten-mkb",
                             "overleg-campusorganisaties-maakindustrie"}),
        ("owner=smart-services-campus", {"smart-services-campus-faciliteiten-mkb"}),
        ("program=limburgmakers", {"voortzetting-limburgmakers",
                                   "informatie-en-voorlichting-smart-industry",
                                   "industriele-vormgevers-betrekken"}),
        ("status=in_uitvoering&theme=campussen", {"haalbaarheid-manufacturing-centre"}),
    ],
)  # fmt: skip
def test_the_action_list_filters_in_the_url(client, memo, query, expected):
    response = client.get(f"/acties?{query}")
    assert response.status_code == 200
    assert {action.slug for action in rows_of(response, "acties")} == expected


def test_each_active_filter_is_shown_with_a_link_that_removes_only_it(client, memo):
    response = client.get("/acties?status=in_uitvoering&theme=campussen")

    content = html.unescape(response.content.decode())
    assert "Status: in uitvoering" in content
    assert "Thema: Campussen" in content
    assert (
        '<a href="/acties?theme=campussen">Filter ‘Status: in uitvoering’ weghalen</a>' in content
    )
    assert (
        '<a href="/acties?status=in_uitvoering">Filter ‘Thema: Campussen’ weghalen</a>' in content
    )
    assert client.get("/acties?theme=campussen").status_code == 200
    assert "Actieve filters" not in text_of(client.get("/acties"))


def test_the_commitment_register_shows_its_active_filters_too(client, memo):
    content = html.unescape(client.get("/toezeggingen?kind=motie").content.decode())
    assert '<a href="/toezeggingen">Filter ‘Soort: motie’ weghalen</a>' in content


def test_an_unknown_filter_value_is_a_400_with_the_form(client, memo):
    response = client.get("/acties?owner=bestaat-niet")
    assert response.status_code == 400
    assert "Controleer de filters." in text_of(response)


def test_the_filter_form_offers_only_what_some_action_carries(client, memo):
    response = client.get("/acties")
    owners = response.context["filterset"].form.fields["owner"].queryset
    assert set(owners.values_list("slug", flat=True)) == {
        "provincie-limburg",
        "smart-services-campus",
    }


def test_an_action_page_shows_who_what_for_which_commitments_and_its_source(client, memo):
    response = client.get("/acties/afspraken-investor-development-programma")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="/organisaties/provincie-limburg"' in content
    assert 'href="/programmas/investor-development-programma"' in content
    assert 'href="/themas/reshoring"' in content
    commitments = {c.public_id for c in rows_of(response, "toezeggingen")}
    assert commitments == {"toezegging-1886", "toezegging-1887", "motie-615"}
    assert "Bron: Een sterke maakindustrie in Limburg, §4 Nieuwe provinciale initiatieven" in (
        text_of(response)
    )


def test_an_action_page_leaves_out_concept_owner_program_themes_and_commitments(client, memo):
    action = factories.ActionFactory(
        slug="open-actie",
        owner=factories.OrganisationFactory(name="Verborgen bv", **CONCEPT),
        program=factories.ProgramFactory(name="Verborgen programma", **CONCEPT),
        source=factories.DocumentFactory(title="Verborgen stuk", **CONCEPT),
    )
    action.themes.add(factories.ThemeFactory(name="Verborgen thema", **CONCEPT))
    action.commitments.add(factories.CommitmentFactory(title="Verborgen toezegging", **CONCEPT))

    for url in ("/acties/open-actie", "/acties", "/acties?tabel=acties&format=csv"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Verborgen" not in response.content.decode(), url


@pytest.mark.parametrize("path", ["/acties/bestaat-niet", "/acties/concept-actie"])
def test_unknown_and_concept_actions_are_404(client, memo, path):
    factories.ActionFactory(slug="concept-actie", **CONCEPT)
    assert client.get(path).status_code == 404


# Organisations


def test_the_organisation_list_shows_kind_place_and_counts(client, memo):
    hotraco = Organisation.objects.get(slug="hotraco-group")
    factories.ProgramOrganisationFactory(
        organisation=hotraco, program=factories.ProgramFactory(**CONCEPT)
    )
    factories.OrganisationFactory(name="Verborgen bv", **CONCEPT)

    response = client.get("/organisaties")

    assert response.status_code == 200
    rows = {organisation.slug: organisation for organisation in rows_of(response, "organisaties")}
    assert set(rows) == set(Organisation.objects.published().values_list("slug", flat=True))
    assert rows["hotraco-group"].place == "Horst"
    shown = Program.objects.published().filter(roles__organisation=hotraco).distinct().count()
    assert rows["hotraco-group"].program_count == shown
    subsidies = hotraco.subsidies.published().count()
    assert rows["hotraco-group"].subsidy_count == subsidies == 2
    text = text_of(response)
    assert "Hotraco Group BV" in text and "Horst" in text and "bedrijf" in text
    assert "Verborgen" not in text


def test_an_organisation_page_lists_the_actions_it_owns(client, memo):
    response = client.get("/organisaties/provincie-limburg")
    owned = set(
        Action.objects.published()
        .filter(owner__slug="provincie-limburg")
        .values_list("slug", flat=True)
    )
    assert {action.slug for action in rows_of(response, "acties")} == owned
    assert 'href="/acties/lbdf-operationeel"' in response.content.decode()


# Links between the pages


def test_the_existing_pages_link_to_themes_and_actions(client, memo):
    program = client.get("/programmas/limburgmakers").content.decode()
    assert 'href="/themas/financiering"' in program
    assert 'href="/acties/voortzetting-limburgmakers"' in program
    commitment = client.get("/toezeggingen/motie-615").content.decode()
    assert 'href="/acties/afspraken-investor-development-programma"' in commitment
    listing = client.get("/programmas").content.decode()
    for page in ("/themas", "/acties", "/organisaties"):
        assert f'href="{page}"' in listing


def test_every_link_between_the_public_pages_resolves(client, memo):
    """From the program list, every page reachable through the site's links answers 200.

    Filtered lists and downloads are requested, not followed further.
    """
    queue, seen = deque(["/programmas"]), set()
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if "?" in url or not response["Content-Type"].startswith("text/html"):
            continue
        for link in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
            if not link.startswith(("/api/", "/admin/", "/static/", "/i18n/")):
                queue.append(html.unescape(link))
    for page in ("/themas/reshoring", "/acties/lbdf-operationeel", "/organisaties/liof"):
        assert page in seen
    assert "/acties?theme=reshoring" in seen
    assert len(seen) > 100


# Query counts: a page costs the same whether it lists a few rows or many.


def grow(memo, batch):
    """More of everything the pages below list, linked to the records they show."""
    limburgmakers = Program.objects.get(slug="limburgmakers")
    financing = Theme.objects.get(slug="financiering")
    province = Organisation.objects.get(slug="provincie-limburg")
    promise = Commitment.objects.get(kind="toezegging", number="1887")
    action = Action.objects.get(slug="afspraken-investor-development-programma")
    meeting = factories.MeetingFactory()
    for n in range(3):
        organisation = factories.OrganisationFactory()
        program = factories.ProgramFactory(parent=limburgmakers, themes=[financing])
        factories.ProgramOrganisationFactory(program=limburgmakers, organisation=organisation)
        factories.ProgramOrganisationFactory(program=program, organisation=province)
        position = 100 + 10 * batch + n
        factories.BudgetLineFactory(document=memo, position=position, program=limburgmakers)
        factories.BudgetLineFactory(document=memo, position=position + 100, program=program)
        factories.SubsidyFactory(instrument=limburgmakers, recipient=organisation)
        factories.SubsidyFactory(instrument=program, recipient=province)
        factories.IndicatorFactory(program=limburgmakers, source=memo).themes.add(financing)
        new_action = factories.ActionFactory(owner=province, program=limburgmakers, source=memo)
        new_action.themes.add(financing)
        new_action.commitments.add(promise)
        commitment = factories.CommitmentFactory(
            deadline="2016", made_by=factories.PersonFactory(), meeting=meeting, source=memo
        )
        commitment.themes.add(financing, factories.ThemeFactory())
        commitment.programs.add(limburgmakers)
        action.commitments.add(commitment)
        factories.SettlementFactory(commitment=commitment)


COUNTED_PAGES = [
    "/documenten/sterke-maakindustrie-2015",
    "/programmas",
    "/programmas/limburgmakers",
    "/organisaties",
    "/organisaties/provincie-limburg",
    "/toezeggingen",
    "/toezeggingen/rappellijst?datum=2017-01-01",
    "/toezeggingen/toezegging-1887",
    "/themas",
    "/themas/financiering",
    "/acties",
    "/acties?theme=financiering",
    "/acties/afspraken-investor-development-programma",
]


@pytest.mark.parametrize("url", COUNTED_PAGES)
def test_a_page_costs_the_same_queries_for_few_rows_or_many(
    client, memo, url, django_assert_max_num_queries
):
    def rows(response):
        return sum(len(table.records) for table in response.context["tables"].values())

    grow(memo, 0)  # every kind of row once, so that every prefetch runs
    with CaptureQueriesContext(connection) as few:
        before = rows(client.get(url))
    grow(memo, 1)
    with django_assert_max_num_queries(len(few)):
        after = rows(client.get(url))
    assert after > before, "the page lists the new rows"

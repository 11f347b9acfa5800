"""The links an API list shows, read in the page's own query as JSON lists (`with_link_lists`):
in the linked model's order, and only what the reader may see. A commitment's submitters,
themes, programs and actions; a program's themes and the roles of organisations; an action's
themes and commitments; an indicator's themes. And a commitment's histories (deadline changes,
settlements, relations), prefetched as lists in their order within the commitment."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from programs.models import (
    Action,
    CommitmentRelation,
    DeadlineChange,
    ProgramOrganisation,
    PublicationStatus,
)

from . import factories

CONCEPT = PublicationStatus.CONCEPT


@pytest.fixture
def commitment(db):
    commitment = factories.CommitmentFactory()
    commitment.submitters.set(
        [
            factories.PersonFactory(name="Zegers", party="CDA"),
            factories.PersonFactory(name="Aerts", party=""),
            factories.PersonFactory(name="Meulen", publication_status=CONCEPT),
        ]
    )
    commitment.themes.set(
        [
            factories.ThemeFactory(name="Zorgtechnologie"),
            factories.ThemeFactory(name="Chemie", publication_status=CONCEPT),
            factories.ThemeFactory(name="Automotive"),
        ]
    )
    commitment.programs.set(
        [factories.ProgramFactory(name="Zuid"), factories.ProgramFactory(name="Brightlands")]
    )
    for title, due in [("Zaaien", "2021"), ("Oogsten", "2019"), ("Wieden", "")]:
        factories.ActionFactory(title=title, due=due).commitments.add(commitment)
    return commitment


def links(body):
    return {
        "submitters": [(link["name"], link["party"]) for link in body["submitters"]],
        "themes": [link["name"] for link in body["themes"]],
        "programs": [link["name"] for link in body["programs"]],
        "actions": [link["title"] for link in body["actions"]],
    }


def only_record(client, endpoint):
    response = client.get(f"/api/v1/{endpoint}")
    assert response.status_code == 200, response.content
    (body,) = response.json()["results"]
    return body


def test_the_public_reads_the_published_links_in_their_models_order(api, commitment):
    body = only_record(api, "commitments")

    assert links(body) == {
        "submitters": [("Aerts", ""), ("Zegers", "CDA")],
        "themes": ["Automotive", "Zorgtechnologie"],
        "programs": ["Brightlands", "Zuid"],
        # By due date, then title; where an unknown date sorts is the database's choice.
        "actions": list(Action.objects.values_list("title", flat=True)),
    }
    assert body["themes"][0].keys() == {"slug", "name"}
    assert body["submitters"][0].keys() == {"slug", "name", "party"}
    assert body["actions"][0].keys() == {"slug", "title"}


def test_staff_read_concept_links_too(staff_api, commitment):
    body = only_record(staff_api, "commitments")

    assert links(body)["submitters"] == [("Aerts", ""), ("Meulen", ""), ("Zegers", "CDA")]
    assert links(body)["themes"] == ["Automotive", "Chemie", "Zorgtechnologie"]


def test_the_list_and_the_detail_show_the_same_links(api, commitment):
    detail = api.get(f"/api/v1/commitments/{commitment.public_id}").json()

    assert links(only_record(api, "commitments")) == links(detail)


def test_a_commitment_without_links_has_empty_lists(api, db):
    factories.CommitmentFactory()

    assert links(only_record(api, "commitments")) == {
        "submitters": [],
        "themes": [],
        "programs": [],
        "actions": [],
    }


@pytest.fixture
def program(db):
    program = factories.ProgramFactory()
    program.themes.set(
        [
            factories.ThemeFactory(name="Zorgtechnologie"),
            factories.ThemeFactory(name="Chemie", publication_status=CONCEPT),
            factories.ThemeFactory(name="Automotive"),
        ]
    )
    Role = ProgramOrganisation.Role
    for name, role, status in [
        ("Zuyd", Role.PARTNER, PublicationStatus.PUBLISHED),
        ("Brightlands", Role.PARTNER, PublicationStatus.PUBLISHED),
        ("LIOF", Role.LEAD, PublicationStatus.PUBLISHED),
        ("Concept bv", Role.FUNDER, CONCEPT),
    ]:
        organisation = factories.OrganisationFactory(name=name)
        factories.ProgramOrganisationFactory(
            program=program, role=role, organisation=organisation, publication_status=status
        )
    hidden = factories.OrganisationFactory(name="Verborgen", publication_status=CONCEPT)
    factories.ProgramOrganisationFactory(program=program, organisation=hidden, role=Role.HOST)
    return program


def roles(body):
    return [
        (role["role"], role["organisation"] and role["organisation"]["name"])
        for role in body["organisations"]
    ]


def test_a_program_lists_its_published_themes_and_roles_in_their_order(api, program):
    body = only_record(api, "programs")

    assert [theme["name"] for theme in body["themes"]] == ["Automotive", "Zorgtechnologie"]
    # By role, then organisation name; a role is public only with its organisation.
    assert roles(body) == [("partner", "Brightlands"), ("partner", "Zuyd"), ("trekker", "LIOF")]
    assert body["organisations"][0].keys() == {"organisation", "role"}
    assert body["organisations"][0]["organisation"].keys() == {"slug", "name"}


def test_staff_read_a_programs_concept_themes_and_roles(staff_api, program):
    body = only_record(staff_api, "programs")

    assert [theme["name"] for theme in body["themes"]] == [
        "Automotive",
        "Chemie",
        "Zorgtechnologie",
    ]
    assert roles(body) == [
        ("financier", "Concept bv"),
        ("gastheer", "Verborgen"),
        ("partner", "Brightlands"),
        ("partner", "Zuyd"),
        ("trekker", "LIOF"),
    ]


def test_a_role_shows_no_organisation_its_reader_may_not_see(program):
    reader = User.objects.create_user("rollen", is_staff=True)
    reader.user_permissions.set(
        Permission.objects.filter(codename__in=["view_program", "view_programorganisation"])
    )
    client = APIClient()
    client.force_authenticate(reader)

    assert ("gastheer", None) in roles(only_record(client, "programs"))


def test_an_action_lists_its_published_themes_and_commitments_by_their_id(api, db):
    action = factories.ActionFactory()
    action.themes.set(
        [factories.ThemeFactory(name="Chemie"), factories.ThemeFactory(name="Automotive")]
    )
    promise = factories.CommitmentFactory(kind="toezegging", number="1886", title="Maakindustrie")
    hidden = factories.CommitmentFactory(publication_status=CONCEPT)
    action.commitments.set([promise, hidden])

    body = only_record(api, "actions")

    assert [theme["name"] for theme in body["themes"]] == ["Automotive", "Chemie"]
    assert body["commitments"] == [{"id": "toezegging-1886", "title": "Maakindustrie"}]


def test_an_indicator_lists_its_published_themes(api, db):
    indicator = factories.IndicatorFactory()
    indicator.themes.set(
        [
            factories.ThemeFactory(name="Chemie"),
            factories.ThemeFactory(name="Automotive", publication_status=CONCEPT),
        ]
    )

    assert [theme["name"] for theme in only_record(api, "indicators")["themes"]] == ["Chemie"]


def test_a_program_action_or_indicator_without_links_has_empty_lists(api, db):
    factories.ProgramFactory()
    factories.IndicatorFactory(program=None)
    factories.ActionFactory(program=None)

    program = only_record(api, "programs")
    assert (program["themes"], program["organisations"]) == ([], [])
    action = only_record(api, "actions")
    assert (action["themes"], action["commitments"]) == ([], [])
    assert only_record(api, "indicators")["themes"] == []


@pytest.mark.parametrize("endpoint", ["programs", "actions", "indicators", "commitments"])
def test_the_links_cost_no_query_of_their_own(api, program, endpoint, django_assert_num_queries):
    action = factories.ActionFactory(program=program)
    action.themes.set(program.themes.all())
    action.commitments.add(factories.CommitmentFactory())
    factories.IndicatorFactory(program=program).themes.set(program.themes.all())
    # One query for a page that is the whole list; commitments also read their deadline
    # history, settlements and relations (prefetched).
    queries = 4 if endpoint == "commitments" else 1

    with django_assert_num_queries(queries):
        response = api.get(f"/api/v1/{endpoint}")
    assert response.status_code == 200


def test_a_commitments_histories_are_listed_in_their_order_within_it(api, staff_api, db):
    first, second = factories.CommitmentFactory.create_batch(2)
    at = timezone.make_aware(datetime.datetime(2024, 3, 1, 12))
    for commitment in (second, first):
        for days, reason in [(9, "later"), (1, "eerder")]:
            DeadlineChange.objects.create(
                commitment=commitment,
                old_deadline="medio 2025",
                new_deadline="eind 2025",
                changed_at=at + datetime.timedelta(days=days),
                reason=reason,
            )
        for day, status in [(20, CONCEPT), (5, PublicationStatus.PUBLISHED)]:
            factories.SettlementFactory(
                commitment=commitment,
                proposed_on=datetime.date(2026, 1, day),
                publication_status=status,
            )
    CommitmentRelation.objects.create(
        commitment=first, related=second, kind="herhaalt", publication_status="gepubliceerd"
    )

    reset_queries()  # as each request does: read what is captured before the next one
    with CaptureQueriesContext(connection) as captured:
        bodies = api.get("/api/v1/commitments").json()["results"]
    (changes,) = [q["sql"] for q in captured if 'FROM "programs_deadlinechange"' in q["sql"]]
    staff_bodies = staff_api.get("/api/v1/commitments").json()["results"]

    for body in bodies:
        assert [change["reason"] for change in body["deadlineHistory"]] == ["eerder", "later"]
        assert [s["proposedOn"] for s in body["settlements"]] == ["2026-01-05"]
    for body in staff_bodies:
        assert [s["proposedOn"] for s in body["settlements"]] == ["2026-01-05", "2026-01-20"]
    assert {body["id"]: [r["related"]["id"] for r in body["relations"]] for body in bodies} == {
        first.public_id: [second.public_id],
        second.public_id: [],
    }
    # Ordered within their commitment: no join to the commitments to sort the changes by them.
    assert '"programs_commitment"' not in changes

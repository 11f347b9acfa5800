"""Who may do what: the permission matrix of the roles, for concept and published records."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group

from programs.models import Commitment, Program, PublicationStatus

from . import factories
from .admin_forms import admin_url, browser_form
from .factories import CommitmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db

CONCEPT, PUBLISHED = PublicationStatus.CONCEPT, PublicationStatus.PUBLISHED
ROLES = ["anonymous", "staff", "Lezer", "Redacteur", "Publicist", "superuser"]


@pytest.fixture
def as_role(client, django_user_model):
    """A client logged in with the given role ('staff': staff without a group)."""

    def login(role):
        if role == "anonymous":
            return client
        user = django_user_model.objects.create_user(
            role.lower(), is_staff=True, is_superuser=role == "superuser"
        )
        if role in ("Lezer", "Redacteur", "Publicist"):
            user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        return client

    return login


def test_the_roles_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Lezer", "Redacteur", "Publicist"}


# Reading: (role, status of the record) -> may the role see it on pages, API and admin?
READS = {
    ("anonymous", CONCEPT): False,
    ("anonymous", PUBLISHED): True,
    ("staff", CONCEPT): False,
    ("staff", PUBLISHED): True,
    ("Lezer", CONCEPT): True,
    ("Lezer", PUBLISHED): True,
    ("Redacteur", CONCEPT): True,
    ("Redacteur", PUBLISHED): True,
    ("Publicist", CONCEPT): True,
    ("Publicist", PUBLISHED): True,
    ("superuser", CONCEPT): True,
    ("superuser", PUBLISHED): True,
}


@pytest.mark.parametrize(("role", "status"), list(READS))
def test_who_reads_concept_and_published_records(as_role, role, status):
    ProgramFactory(slug="geheim-of-niet", name="Programma X", publication_status=status)
    client = as_role(role)
    expected = 200 if READS[(role, status)] else 404
    assert client.get("/programmas/geheim-of-niet").status_code == expected
    assert client.get("/api/v1/programs/geheim-of-niet").status_code == expected
    listed = any(
        item["slug"] == "geheim-of-niet"
        for item in client.get("/api/v1/programs").json()["results"]
    )
    assert listed is READS[(role, status)]


# Editing in the admin: (role, status) -> (may open the change page, may save a change)
EDITS = {
    ("anonymous", CONCEPT): (302, False),
    ("staff", CONCEPT): (403, False),
    ("Lezer", CONCEPT): (200, False),
    ("Lezer", PUBLISHED): (200, False),
    ("Redacteur", CONCEPT): (200, True),
    ("Redacteur", PUBLISHED): (200, False),
    ("Publicist", CONCEPT): (200, True),
    ("Publicist", PUBLISHED): (200, True),
    ("superuser", PUBLISHED): (200, True),
}


@pytest.mark.parametrize(("role", "status"), list(EDITS))
def test_who_edits_concept_and_published_records_in_the_admin(as_role, admin_client, role, status):
    program = ProgramFactory(description="Oud", publication_status=status)
    url = admin_url(Program, "change", program.pk)
    data = browser_form(admin_client.get(url), Program)
    data["description"] = ["Nieuw"]
    data["change_reason"] = ["Tekst bijgewerkt"]
    client = as_role(role)
    opens, saves = EDITS[(role, status)]

    assert client.get(url).status_code == opens
    response = client.post(url, data)

    program.refresh_from_db()
    assert (program.description == "Nieuw") is saves, response.status_code
    if not saves and opens == 200:
        assert response.status_code == 403


@pytest.mark.parametrize(("role", "publishes"), [("Redacteur", False), ("Publicist", True)])
def test_only_publicists_publish(as_role, admin_client, role, publishes):
    program = ProgramFactory(publication_status=CONCEPT)
    url = admin_url(Program, "change", program.pk)
    data = browser_form(admin_client.get(url), Program)
    data["publication_status"] = [PUBLISHED]
    data["change_reason"] = ["Klaar voor publicatie"]
    as_role(role).post(url, data)
    program.refresh_from_db()
    assert program.is_published is publishes


@pytest.mark.parametrize(("role", "deletes"), [("Redacteur", False), ("Publicist", True)])
def test_only_publicists_delete_published_records(as_role, role, deletes):
    program = ProgramFactory(publication_status=PUBLISHED)
    response = as_role(role).post(admin_url(Program, "delete", program.pk), {"post": "yes"})
    assert Program.objects.filter(pk=program.pk).exists() is not deletes, response.status_code


def test_a_new_record_by_an_editor_is_a_concept(as_role, admin_client):
    add = browser_form(admin_client.get(admin_url(Program, "add")), Program)
    add.update(
        name=["Nieuw programma"],
        slug=["nieuw-programma"],
        kind=["programma"],
        status=["gepland"],
        publication_status=[PUBLISHED],
    )
    as_role("Redacteur").post(admin_url(Program, "add"), add)
    assert Program.objects.get(slug="nieuw-programma").publication_status == CONCEPT


@pytest.mark.parametrize(("role", "closes"), [("Redacteur", False), ("Publicist", True)])
def test_only_publicists_close_commitments(as_role, admin_client, role, closes):
    commitment = CommitmentFactory(publication_status=CONCEPT)
    url = admin_url(Commitment, "change", commitment.pk)
    data = browser_form(admin_client.get(url), Commitment)
    data.update(
        status=[Commitment.Status.LAPSED],
        change_reason=["Vervallen"],
        fulfilment=["Vervallen door nieuw beleid"],
    )
    as_role(role).post(url, data)
    commitment.refresh_from_db()
    assert (commitment.status == Commitment.Status.LAPSED) is closes


def test_history_is_never_editable_and_a_revert_is_a_new_recorded_change(admin_client):
    program = ProgramFactory(description="Eerste")
    program.description = "Tweede"
    program._change_reason = "Tekst aangepast"
    program.save()
    first = program.history.earliest()
    assert not admin.site.is_registered(type(first))

    url = admin_url(Program, "change", program.pk).replace(
        "/change/", f"/history/{first.history_id}/"
    )
    form = browser_form(admin_client.get(url), type(first))
    admin_client.post(url, {**form, "change_reason": ["Terug naar de eerste tekst"]})

    program.refresh_from_db()
    assert program.description == "Eerste"
    assert program.history.count() == 3
    assert program.history.earliest().description == "Eerste"
    assert program.history.latest().history_user.is_superuser


# Every API resource and its admin page, for every role and publication status.
RESOURCES = {
    "documents": (factories.DocumentFactory, lambda r: r.slug),
    "programs": (factories.ProgramFactory, lambda r: r.slug),
    "organisations": (factories.OrganisationFactory, lambda r: r.slug),
    "themes": (factories.ThemeFactory, lambda r: r.slug),
    "actions": (factories.ActionFactory, lambda r: r.slug),
    "indicators": (factories.IndicatorFactory, lambda r: r.slug),
    "subsidies": (factories.SubsidyFactory, lambda r: r.slug),
    "commitments": (factories.CommitmentFactory, lambda r: r.public_id),
    "budget-lines": (factories.BudgetLineFactory, lambda r: r.public_id),
}
ADMIN_PAGE = {"anonymous": 302, "staff": 403}


@pytest.mark.parametrize("resource", list(RESOURCES))
@pytest.mark.parametrize(("role", "status"), list(READS))
def test_every_resource_is_read_by_exactly_the_right_roles(as_role, role, status, resource):
    make, key = RESOURCES[resource]
    record = make(publication_status=status)
    client = as_role(role)
    visible = READS[(role, status)]

    api = client.get(f"/api/v1/{resource}/{key(record)}")
    assert api.status_code == (200 if visible else 404)
    page = client.get(admin_url(type(record), "change", record.pk))
    assert page.status_code == ADMIN_PAGE.get(role, 200)

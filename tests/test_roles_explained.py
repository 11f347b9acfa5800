"""Roles that explain themselves: a Redacteur reads who may publish, a Publicist publishes and
unpublishes a selection for one reason, and a refused delete says why. And lists that read
right: overdue is a warning."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group

from programs.models import Commitment, Program, PublicationStatus

from .admin_forms import admin_url
from .factories import BudgetLineFactory, CommitmentFactory, ProgramFactory, ThemeFactory

pytestmark = pytest.mark.django_db

CONCEPT, PUBLISHED = PublicationStatus.CONCEPT, PublicationStatus.PUBLISHED


@pytest.fixture
def as_role(client, django_user_model):
    def login(role, **names):
        user = django_user_model.objects.create_user(role.lower(), is_staff=True, **names)
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        return client

    return login


def test_a_redacteur_reads_the_publication_state_and_who_may_publish_it(as_role, django_user_model):
    publicist = django_user_model.objects.create_user("anna", first_name="Anna", last_name="Smit")
    publicist.groups.add(Group.objects.get(name="Publicist"))
    program = ProgramFactory(publication_status=CONCEPT)
    client = as_role("Redacteur")

    html = client.get(admin_url(Program, "change", program.pk)).content.decode()

    assert '<div class="readonly">concept</div>' in html
    assert "Alleen wie mag publiceren (de rol Publicist) publiceert of depubliceert" in html
    assert "Publiceren mogen: Anna Smit." in html


def test_a_publicist_is_not_told_what_a_redacteur_is(as_role):
    program = ProgramFactory(publication_status=CONCEPT)
    client = as_role("Publicist")

    html = client.get(admin_url(Program, "change", program.pk)).content.decode()

    assert '<select name="publication_status"' in html
    assert "Alleen wie mag publiceren" not in html


def action_choices(client, model):
    response = client.get(admin_url(model, "changelist"))
    return [value for value, _label in response.context["action_form"].fields["action"].choices]


def test_only_who_may_publish_has_the_bulk_publication_actions(as_role):
    ProgramFactory()

    assert {"publish", "unpublish"} <= set(action_choices(as_role("Publicist"), Program))


def test_a_redacteur_has_no_bulk_publication_actions(as_role):
    ProgramFactory()

    assert {"publish", "unpublish"} & set(action_choices(as_role("Redacteur"), Program)) == set()


def run_action(client, action, records, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [record.pk for record in records], **extra}
    return client.post(admin_url(Program, "changelist"), data, follow=True)


def test_publishing_a_selection_first_asks_one_reason(as_role):
    programs = ProgramFactory.create_batch(3, publication_status=CONCEPT)
    client = as_role("Publicist")

    response = run_action(client, "publish", programs, index="0")

    html = response.content.decode()
    assert "Programma&#x27;s publiceren" in html
    assert "U kiest 3 records:" in html
    assert 'name="reden"' in html
    assert set(Program.objects.values_list("publication_status", flat=True)) == {CONCEPT}


def test_publishing_a_selection_writes_one_history_entry_per_record_with_the_reason(as_role):
    programs = ProgramFactory.create_batch(3, publication_status=CONCEPT)
    already = ProgramFactory(publication_status=PUBLISHED)
    client = as_role("Publicist")

    response = run_action(client, "publish", [*programs, already], reden="Besluit GS 3 maart")

    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["3 programma's gepubliceerd. 1 stond al zo."]
    for program in programs:
        program.refresh_from_db()
        assert program.publication_status == PUBLISHED
        latest = program.history.first()
        assert (latest.history_change_reason, latest.history_user.username) == (
            "Besluit GS 3 maart",
            "publicist",
        )
        assert program.history.count() == 2
    assert already.history.count() == 1


def test_unpublishing_a_selection_makes_concepts_for_one_reason(as_role):
    programs = ProgramFactory.create_batch(2)
    client = as_role("Publicist")

    response = run_action(client, "unpublish", programs, reden="Cijfers worden herzien")

    assert [str(message) for message in response.context["messages"]] == [
        "2 programma's gedepubliceerd."
    ]
    assert set(Program.objects.values_list("publication_status", flat=True)) == {CONCEPT}
    assert {program.history.first().history_change_reason for program in programs} == {
        "Cijfers worden herzien"
    }


def test_a_publication_without_a_reason_is_refused_and_changes_nothing(as_role):
    programs = ProgramFactory.create_batch(2, publication_status=CONCEPT)
    client = as_role("Publicist")

    response = run_action(client, "publish", programs, reden="  ")

    assert "Dit veld is vereist." in response.content.decode()
    assert set(Program.objects.values_list("publication_status", flat=True)) == {CONCEPT}


def test_a_redacteur_cannot_publish_by_posting_the_action(as_role):
    programs = ProgramFactory.create_batch(2, publication_status=CONCEPT)
    client = as_role("Redacteur")

    run_action(client, "publish", programs, reden="toch maar")

    assert set(Program.objects.values_list("publication_status", flat=True)) == {CONCEPT}


def test_publishing_every_record_of_a_filtered_list(as_role):
    shown = ProgramFactory.create_batch(3, publication_status=CONCEPT, status="ended")
    other = ProgramFactory(publication_status=CONCEPT, status="lopend")
    client = as_role("Publicist")

    client.post(
        admin_url(Program, "changelist") + "?status__exact=ended",
        {
            "action": "publish",
            ACTION_CHECKBOX_NAME: [shown[0].pk],
            "select_across": "1",
            "reden": "Afgerond",
        },
    )

    assert {program.publication_status for program in Program.objects.filter(status="ended")} == {
        PUBLISHED
    }
    other.refresh_from_db()
    assert other.publication_status == CONCEPT


def test_a_refused_delete_says_published_records_are_for_a_publicist(as_role):
    program = ProgramFactory(publication_status=CONCEPT)
    BudgetLineFactory(program=program)
    client = as_role("Redacteur")

    html = client.get(admin_url(Program, "delete", program.pk)).content.decode()

    assert "een gepubliceerd record verwijdert alleen een Publicist" in html
    assert "zou ook gerelateerde objecten verwijderen" not in html


def test_a_refused_delete_says_which_records_refer_to_it(admin_client):
    theme = ThemeFactory()
    program = ProgramFactory()
    BudgetLineFactory(program=program)
    program.themes.add(theme)

    html = admin_client.get(admin_url(Program, "delete", program.pk)).content.decode()

    assert "want deze records verwijzen ernaar" in html
    assert "Wijzig of verwijder die eerst" in html


# Lists that read right


def test_an_overdue_commitment_is_a_warning_in_the_list_not_a_tick(admin_client):
    CommitmentFactory(deadline="2015", title="Te laat")
    CommitmentFactory(deadline="2090", title="Op tijd")

    html = admin_client.get(admin_url(Commitment, "changelist")).content.decode()

    rows = {
        title: row
        for row in re.findall(r"<tr.*?</tr>", html, re.S)
        for title in ("Te laat", "Op tijd")
        if title in row
    }
    assert '<span class="overdue">⚠ termijn verstreken</span>' in rows["Te laat"]
    assert "termijn verstreken" not in rows["Op tijd"]
    assert "icon-yes.svg" not in html

"""The audit log answers who, what, when and from where: every write line carries the user and
the client address; changes to users, groups and API keys say which fields changed; a login
is a login line, not an update of the user; no password hash is ever logged."""

import json
import logging

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from rest_framework.test import APIClient

from limburg_maak.models import ApiToken
from programs.models import Program

from .admin_forms import admin_url, browser_form
from .factories import ProgramFactory

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


@pytest.fixture
def audit(caplog, settings):
    """The audit lines logged from now on. Requests come straight from `ADDRESS`."""
    settings.TRUSTED_PROXIES = []
    caplog.set_level(logging.INFO, logger="limburg_maak.audit")
    caplog.clear()

    def lines():
        return [
            json.loads(record.getMessage())
            for record in caplog.records
            if record.name == "limburg_maak.audit"
        ]

    return lines


def writes(lines, model):
    return [line for line in lines if line["event"] == "write" and line["model"] == model]


@pytest.fixture
def editor(django_user_model):
    # Whole seconds: the admin's form posts the time it shows, without microseconds.
    joined = timezone.now().replace(microsecond=0)
    return django_user_model.objects.create_user("redacteur", is_staff=True, date_joined=joined)


def test_a_write_in_the_admin_carries_the_user_and_the_address(admin_client, admin_user, audit):
    program = ProgramFactory(description="Oud")
    url = admin_url(Program, "change", program.pk)
    data = browser_form(admin_client.get(url), Program)
    data.update(description=["Nieuw"], change_reason=["Tekst uit de nieuwe nota"])

    assert admin_client.post(url, data, REMOTE_ADDR=ADDRESS).status_code == 302

    [line] = [line for line in writes(audit(), "programs.Program") if line["change"] == "update"]
    assert (line["user"], line["address"]) == (admin_user.username, ADDRESS)
    assert line["reason"] == "Tekst uit de nieuwe nota"


def test_a_write_through_the_api_carries_the_key_s_account_and_the_address(
    django_user_model, audit
):
    account = django_user_model.objects.create_user("systeem", is_staff=True)
    account.groups.add(Group.objects.get(name="Redacteur"))
    _token, key = ApiToken.issue("Systeem", account)
    client = APIClient(REMOTE_ADDR=ADDRESS)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    response = client.post(
        "/api/v1/programs",
        {"slug": "via-api", "name": "Via de API", "kind": "programma", "status": "gepland"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    [line] = writes(audit(), "programs.Program")
    assert (line["change"], line["user"], line["address"]) == ("create", "systeem", ADDRESS)


def test_a_write_outside_a_request_has_no_user_nor_address(audit):
    ProgramFactory()

    [line] = writes(audit(), "programs.Program")
    assert (line["user"], line["address"]) == (None, None)


def test_making_a_user_superuser_and_adding_a_group_name_the_actor_and_the_fields(
    admin_client, admin_user, editor, audit
):
    url = admin_url(type(editor), "change", editor.pk)
    data = browser_form(admin_client.get(url), type(editor))
    data.update(is_superuser=["on"], groups=[str(Group.objects.get(name="Publicist").pk)])

    assert admin_client.post(url, data, REMOTE_ADDR=ADDRESS).status_code == 302

    lines = writes(audit(), "auth.User")
    assert lines == [
        {
            "event": "write",
            "model": "auth.User",
            "pk": editor.pk,
            "change": "update",
            "user": admin_user.username,
            "address": ADDRESS,
            "changed_fields": ["is_superuser"],
            "values": {"is_superuser": True},
        },
        {
            "event": "write",
            "model": "auth.User",
            "pk": editor.pk,
            "change": "update",
            "user": admin_user.username,
            "address": ADDRESS,
            "changed_fields": ["groups"],
            "added": ["Publicist"],
        },
    ]


def test_memberships_and_permissions_are_logged_from_either_side(editor, audit):
    lezer, redacteur = Group.objects.get(name="Lezer"), Group.objects.get(name="Redacteur")
    lezer.user_set.add(editor)
    editor.groups.remove(lezer)
    editor.groups.add(lezer, redacteur)
    editor.groups.clear()
    redacteur.permissions.remove(Permission.objects.get(codename="change_program"))

    changes = [
        {key: line[key] for key in ("model", "changed_fields", "added", "removed") if key in line}
        for line in audit()
    ]
    assert changes == [
        {"model": "auth.User", "changed_fields": ["groups"], "added": ["Lezer"]},
        {"model": "auth.User", "changed_fields": ["groups"], "removed": ["Lezer"]},
        {"model": "auth.User", "changed_fields": ["groups"], "added": ["Lezer", "Redacteur"]},
        {"model": "auth.User", "changed_fields": ["groups"], "removed": ["Lezer", "Redacteur"]},
        {
            "model": "auth.Group",
            "changed_fields": ["permissions"],
            "removed": ["programs.change_program"],
        },
    ]


def test_a_user_or_group_made_or_deleted_is_logged_with_its_name_and_rights(
    admin_client, admin_user, django_user_model, audit
):
    url = admin_url(Group, "add")
    data = browser_form(admin_client.get(url), Group)
    data.update(name=["Inkijk"])
    assert admin_client.post(url, data, REMOTE_ADDR=ADDRESS).status_code == 302
    Group.objects.get(name="Inkijk").delete()
    django_user_model.objects.create_superuser("beheer2", password="een-wachtwoord-42")

    made, deleted = writes(audit(), "auth.Group")
    assert made == {
        "event": "write",
        "model": "auth.Group",
        "pk": made["pk"],
        "change": "create",
        "user": admin_user.username,
        "address": ADDRESS,
        "values": {"name": "Inkijk"},
    }
    assert (deleted["change"], deleted["values"]) == ("delete", {"name": "Inkijk"})
    [user] = writes(audit(), "auth.User")
    assert (user["change"], user["values"]) == (
        "create",
        {"username": "beheer2", "is_active": True, "is_staff": True, "is_superuser": True},
    )


def test_issuing_and_revoking_an_api_key_name_the_actor(admin_client, admin_user, editor, audit):
    admin_client.post(
        "/admin/limburg_maak/apitoken/add/",
        {"name": "Provinciale BI", "user": editor.pk},
        REMOTE_ADDR=ADDRESS,
    )
    token = ApiToken.objects.get()
    admin_client.post(
        "/admin/limburg_maak/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        REMOTE_ADDR=ADDRESS,
    )

    issued, revoked = writes(audit(), "limburg_maak.ApiToken")
    assert (issued["change"], issued["reason"], issued["user"], issued["address"]) == (
        "create",
        "Uitgegeven",
        admin_user.username,
        ADDRESS,
    )
    assert (revoked["change"], revoked["reason"], revoked["user"], revoked["address"]) == (
        "update",
        "Ingetrokken",
        admin_user.username,
        ADDRESS,
    )
    assert revoked["changed_fields"] == ["revoked_at"]


def test_a_login_is_one_login_line_and_no_user_update(client, django_user_model, audit):
    django_user_model.objects.create_user(
        "redacteur", password="juist-wachtwoord-42", is_staff=True
    )
    before = len(audit())

    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": "redacteur", "password": "juist-wachtwoord-42"},
        REMOTE_ADDR=ADDRESS,
    )

    assert response.status_code == 302
    assert django_user_model.objects.get(username="redacteur").last_login is not None
    assert audit()[before:] == [{"event": "login", "user": "redacteur", "address": ADDRESS}]


def test_no_password_hash_is_ever_logged(admin_client, editor, audit, caplog):
    editor.set_password("eerste-wachtwoord-42")
    editor.save()
    url = admin_url(type(editor), "password_change", editor.pk)
    response = admin_client.post(
        url,
        {"password1": "tweede-wachtwoord-42", "password2": "tweede-wachtwoord-42"},
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302
    hashes = [editor.password, type(editor).objects.get(pk=editor.pk).password]

    lines = writes(audit(), "auth.User")
    assert [line["changed_fields"] for line in lines] == [["password"], ["password"]]
    assert lines[1]["address"] == ADDRESS
    for record in caplog.records:
        for password_hash in hashes:
            assert password_hash not in record.getMessage()
            assert password_hash.split("$")[-1] not in record.getMessage()

"""Who may write what, by every path: the admin (add, change, delete, bulk action, history
revert, spreadsheet import, inline rows) and the API (POST, PUT, PATCH, DELETE), for every role,
on concept and published records. A write path that is not in the table fails the test."""

import csv
import io
import threading

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from budgets.models import BudgetLine
from limburg_maak import urls
from limburg_maak.models import ApiToken
from programs.models import Program, PublicationStatus, Publishable, Theme

from . import factories
from .admin_forms import FormReader, admin_url, browser_form

pytestmark = pytest.mark.django_db

CONCEPT, PUBLISHED = PublicationStatus.CONCEPT, PublicationStatus.PUBLISHED
ROLES = ["anonymous", "staff", "Lezer", "Redacteur", "Publicist", "superuser"]


def may_write(role, status):
    """The rule: Redacteur writes concepts, Publicist and superusers everything, others nothing."""
    if role in ("Publicist", "superuser"):
        return True
    return role == "Redacteur" and status == CONCEPT


@pytest.fixture
def user_for(django_user_model):
    def make(role):
        if role == "anonymous":
            return None
        user = django_user_model.objects.create_user(
            f"{role.lower()}-schrijver", is_staff=True, is_superuser=role == "superuser"
        )
        if role in ("Lezer", "Redacteur", "Publicist"):
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def writer(client, user_for):
    """(admin client, API client with a key) for a role."""

    def make(role):
        user = user_for(role)
        api = APIClient()
        if user is not None:
            client.force_login(user)
            _token, key = ApiToken.issue(f"Sleutel {role}", user)
            api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client, api

    return make


def program_with_history(status):
    """A program whose description was 'Eerste' in an earlier version and 'Tweede' now."""
    program = factories.ProgramFactory(description="Eerste", publication_status=status)
    program.description = "Tweede"
    program._change_reason = "Tekst aangepast"
    program.save()
    return program


def history_url(record, version):
    change = admin_url(type(record), "change", record.pk)
    return change.replace("/change/", f"/history/{version.history_id}/")


def posted(form, **changes):
    return {**form, **{name: [value] for name, value in changes.items()}}


def inline_prefix(form, model):
    """The prefix of the inline formset of `model` rows in an admin form."""
    ids = [name for name in form if name.endswith("-0-id")]
    for name in ids:
        prefix = name.removesuffix("-0-id")
        if model._meta.model_name in prefix.replace("_", ""):
            return prefix
    raise AssertionError(f"no inline of {model._meta.label} in {ids}")


def csv_file(rows):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return SimpleUploadedFile("programmas.csv", buffer.getvalue().encode("utf-8-sig"))


class FormByAction(FormReader):
    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.in_form = dict(attrs).get("action") == self.form_id
            return
        super().handle_starttag(tag, attrs)


# Each write path: (admin client, API client, superuser's admin client, status) -> whether the
# write took effect. The record written has the given publication status (a new record: the
# status asked for).


def admin_add(client, api, admin_client, status):
    form = browser_form(admin_client.get(admin_url(Program, "add")), Program)
    data = posted(
        form,
        name="Nieuw",
        slug="nieuw",
        kind="programma",
        status="gepland",
        publication_status=status,
    )
    client.post(admin_url(Program, "add"), data)
    return Program.objects.filter(slug="nieuw", publication_status=status).exists()


def admin_change(client, api, admin_client, status):
    program = factories.ProgramFactory(description="Oud", publication_status=status)
    url = admin_url(Program, "change", program.pk)
    form = browser_form(admin_client.get(url), Program)
    client.post(url, posted(form, description="Nieuw", change_reason="Bijgewerkt"))
    return Program.objects.get(pk=program.pk).description == "Nieuw"


def admin_delete(client, api, admin_client, status):
    program = factories.ProgramFactory(publication_status=status)
    client.post(admin_url(Program, "delete", program.pk), {"post": "yes"})
    return not Program.objects.filter(pk=program.pk).exists()


def admin_bulk_delete(client, api, admin_client, status):
    program = factories.ProgramFactory(publication_status=status)
    client.post(
        admin_url(Program, "changelist"),
        {"action": "delete_selected", "_selected_action": [program.pk], "post": "yes"},
    )
    return not Program.objects.filter(pk=program.pk).exists()


def admin_bulk_publication(client, api, admin_client, status):
    """Publish a concept, or unpublish a published record, with the bulk actions."""
    program = factories.ProgramFactory(publication_status=status)
    client.post(
        admin_url(Program, "changelist"),
        {
            "action": "publish" if status == CONCEPT else "unpublish",
            "_selected_action": [program.pk],
            "reden": "Besluit",
        },
    )
    return Program.objects.get(pk=program.pk).publication_status != status


def admin_revert(client, api, admin_client, status):
    program = program_with_history(status)
    version = program.history.earliest()
    url = history_url(program, version)
    form = browser_form(admin_client.get(url), type(version))
    client.post(url, posted(form, change_reason="Terug naar de eerste tekst"))
    return Program.objects.get(pk=program.pk).description == "Eerste"


def admin_import(client, api, admin_client, status):
    program = factories.ProgramFactory(description="Oud", publication_status=status)
    rows = [["slug", "omschrijving"], [program.slug, "Nieuw"]]
    previewed = client.post(
        admin_url(Program, "import"),
        {"resource": "0", "format": "0", "import_file": csv_file(rows)},
    )
    reader = FormByAction(admin_url(Program, "process_import"))
    reader.feed(previewed.content.decode())
    if "import_file_name" in dict(reader.fields):
        client.post(admin_url(Program, "process_import"), dict(reader.fields))
    return Program.objects.get(pk=program.pk).description == "Nieuw"


def admin_inline_change(client, api, admin_client, status):
    # The program is a concept: the row's own state decides.
    line = factories.BudgetLineFactory(
        label="Oud",
        program=factories.ProgramFactory(publication_status=CONCEPT),
        publication_status=status,
    )
    url = admin_url(Program, "change", line.program.pk)
    form = browser_form(admin_client.get(url), Program)
    prefix = inline_prefix(form, BudgetLine)
    client.post(url, posted(form, **{f"{prefix}-0-label": "Nieuw", "change_reason": "Post"}))
    return BudgetLine.objects.get(pk=line.pk).label == "Nieuw"


def admin_inline_delete(client, api, admin_client, status):
    line = factories.BudgetLineFactory(
        program=factories.ProgramFactory(publication_status=CONCEPT), publication_status=status
    )
    url = admin_url(Program, "change", line.program.pk)
    form = browser_form(admin_client.get(url), Program)
    prefix = inline_prefix(form, BudgetLine)
    client.post(url, posted(form, **{f"{prefix}-0-DELETE": "on", "change_reason": "Weg"}))
    return not BudgetLine.objects.filter(pk=line.pk).exists()


def api_post(client, api, admin_client, status):
    api.post(
        "/api/v1/themes",
        {"slug": "nieuw", "name": "Nieuw", "publicationStatus": status},
        format="json",
    )
    return Theme.objects.filter(slug="nieuw", publication_status=status).exists()


def api_write(method, body):
    def write(client, api, admin_client, status):
        theme = factories.ThemeFactory(description="Oud", publication_status=status)
        url = f"/api/v1/themes/{theme.slug}"
        current = APIClient()
        current.force_authenticate(admin_client.user)
        etag = current.get(url)["ETag"]
        getattr(api, method)(
            url,
            body(current.get(url).json()),
            format="json",
            HTTP_IF_MATCH=etag,
            HTTP_CHANGE_REASON="Bijgewerkt",
        )
        after = Theme.objects.filter(pk=theme.pk).first()
        return after is None if method == "delete" else after.description == "Nieuw"

    return write


WRITE_PATHS = {
    "admin add": admin_add,
    "admin change": admin_change,
    "admin delete": admin_delete,
    "admin bulk action": admin_bulk_delete,
    "admin revert": admin_revert,
    "admin import": admin_import,
    "admin inline change": admin_inline_change,
    "admin inline delete": admin_inline_delete,
    "API POST": api_post,
    "API PUT": api_write("put", lambda current: {**current, "description": "Nieuw"}),
    "API PATCH": api_write("patch", lambda current: {"description": "Nieuw"}),
    "API DELETE": api_write("delete", lambda current: None),
}


@pytest.fixture
def superuser_client(django_user_model):
    user = django_user_model.objects.create_superuser("beheerder", "beheer@example.org", "x")
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.parametrize("path", list(WRITE_PATHS))
@pytest.mark.parametrize("status", [CONCEPT, PUBLISHED])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_write_by_every_path(writer, superuser_client, role, status, path):
    client, api = writer(role)
    took_effect = WRITE_PATHS[path](client, api, superuser_client, status)
    assert took_effect is may_write(role, status)


# Paths that only change the publication: for who may publish, whatever the record's state.
PUBLICATION_PATHS = {"admin bulk publication": admin_bulk_publication}


@pytest.mark.parametrize("path", list(PUBLICATION_PATHS))
@pytest.mark.parametrize("status", [CONCEPT, PUBLISHED])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_publish_by_every_path(writer, superuser_client, role, status, path):
    client, api = writer(role)
    took_effect = PUBLICATION_PATHS[path](client, api, superuser_client, status)
    assert took_effect is (role in ("Publicist", "superuser"))


# Every write path that exists is one of the table's.

# What each admin view is, by its URL name: a write path of the table, or a read.
ADMIN_VIEWS = {
    "add": "admin add",
    "change": "admin change",  # and its inline rows
    "delete": "admin delete",
    "changelist": "admin bulk action",  # actions; no admin edits in the list
    "simple_history": "admin revert",
    "import": "admin import",
    "process_import": "admin import",
    "history": "read",
    "deleted": "read",
    "export": "read",
    "import_template": "read",
}
# Admin views of records that are not publishable: for superusers only (accounts, groups, keys,
# the login lockout, links to the identity provider and second factors), with their own write
# paths.
SUPERUSER_ONLY = {
    "auth.User",
    "auth.Group",
    "limburg_maak.ApiToken",
    "axes",
    "socialaccount",
    "mfa",
}
SUPERUSER_VIEWS = {"password_change"}
ACTIONS = {
    "delete_selected": "admin bulk action",
    "publish": "admin bulk publication",
    "unpublish": "admin bulk publication",
}
API_METHODS = {"post": "API POST", "put": "API PUT", "patch": "API PATCH", "delete": "API DELETE"}


def registered_admins():
    for model in apps.get_models():
        if admin.site.is_registered(model):
            yield model, admin.site.get_model_admin(model)


def superuser_only(model):
    return model._meta.label in SUPERUSER_ONLY or model._meta.app_label in SUPERUSER_ONLY


def test_every_admin_view_and_action_is_a_known_write_path_or_a_read(superuser_client):
    request = RequestFactory().get("/")
    request.user = superuser_client.user
    for model, model_admin in registered_admins():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        known = ADMIN_VIEWS.keys() | (SUPERUSER_VIEWS if superuser_only(model) else set())
        # Unnamed: Django's redirect of a bare record address to its change page.
        for pattern in (pattern for pattern in model_admin.urls if pattern.name):
            name = pattern.name.removeprefix(prefix)
            assert name in known, f"{model._meta.label}: admin view '{name}' is not in the table"
        assert not model_admin.list_editable, f"{model._meta.label} edits in its list"
        if not superuser_only(model):
            for action in model_admin.get_actions(request):
                assert action in ACTIONS, (
                    f"{model._meta.label}: action '{action}' is not in the table"
                )
            assert issubclass(model, Publishable), model._meta.label
            for inline in model_admin.get_inline_instances(request):
                fields = set(inline.get_fields(request)) - set(inline.get_readonly_fields(request))
                if inline.has_add_permission(request, None) or fields:
                    assert issubclass(inline.model, Publishable), inline


@pytest.mark.parametrize("role", ["staff", "Lezer", "Redacteur", "Publicist"])
def test_only_superusers_manage_accounts_groups_keys_and_lockouts(user_for, role):
    """No role has any right on them, so none of their admin's paths (actions included) opens."""
    user = user_for(role)
    for model, model_admin in registered_admins():
        if superuser_only(model):
            request = RequestFactory().get("/")
            request.user = user
            assert not any(model_admin.get_model_perms(request).values()), model._meta.label


def test_every_api_write_is_a_known_write_path():
    reads = {"get", "head", "options", "trace"}
    for prefix, viewset, _basename in urls.router.registry:
        for method in set(viewset.http_method_names) - reads:
            assert API_METHODS.get(method) in WRITE_PATHS, f"{prefix}: {method} is not in the table"
        for extra in viewset.get_extra_actions():
            unsafe = set(extra.mapping) - reads
            assert not unsafe, f"{prefix}/{extra.url_path}: {unsafe} is not in the table"
    for pattern in urls.api_v1:
        callback = getattr(pattern, "callback", None)
        view_class = getattr(callback, "cls", None)
        if view_class is None or getattr(callback, "actions", None):
            continue
        unsafe = {m for m in view_class.http_method_names if hasattr(view_class, m)} - reads
        assert not unsafe, f"{pattern.pattern}: {unsafe} is not in the table"


# The API's rule for every resource: an editor's key changes and deletes concepts only.
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


@pytest.mark.parametrize("status", [CONCEPT, PUBLISHED])
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_an_editors_key_deletes_concepts_only_on_every_resource(writer, status, resource):
    make, key = RESOURCES[resource]
    record = make(publication_status=status)
    _client, api = writer("Redacteur")
    url = f"/api/v1/{resource}/{key(record)}"
    response = api.delete(url, HTTP_IF_MATCH=f'"{record.version}-x"', HTTP_CHANGE_REASON="Opruimen")
    deleted = not type(record).objects.filter(pk=record.pk).exists()
    assert deleted is (status == CONCEPT), response.content
    if status == PUBLISHED:
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
        assert "publiceren" in response.json()["detail"]


# A history revert is a change like any other.


def test_an_editor_cannot_republish_a_concept_by_reverting_to_a_published_version(
    writer, superuser_client
):
    program = factories.ProgramFactory(description="Eerste", publication_status=PUBLISHED)
    program.publication_status, program.description = CONCEPT, "Teruggetrokken"
    program._change_reason = "Gedepubliceerd"
    program.save()
    published = program.history.earliest()
    url = history_url(program, published)
    form = browser_form(superuser_client.get(url), type(published))
    client, _api = writer("Redacteur")

    assert b"Terugzetten" not in client.get(url).content
    response = client.post(url, posted(form, change_reason="Terug"))

    assert response.status_code == 403
    program.refresh_from_db()
    assert (program.publication_status, program.description) == (CONCEPT, "Teruggetrokken")


def test_a_revert_needs_a_reason_and_the_current_version(superuser_client):
    program = program_with_history(CONCEPT)
    version = program.history.earliest()
    url = history_url(program, version)
    form = browser_form(superuser_client.get(url), type(version))

    without_reason = superuser_client.post(url, form)
    assert "change_reason" in without_reason.context["adminform"].form.errors

    program.description = "Derde"
    program._change_reason = "Intussen"
    program.save()
    stale = superuser_client.post(url, posted(form, change_reason="Terug"))
    assert stale.context["adminform"].form.non_field_errors()

    unversioned = {name: value for name, value in form.items() if name != "seen_version"}
    superuser_client.post(url, posted(unversioned, change_reason="Terug"))
    assert Program.objects.get(pk=program.pk).description == "Derde"


def test_the_revert_page_is_dutch(superuser_client):
    program = program_with_history(CONCEPT)
    page = superuser_client.get(history_url(program, program.history.earliest()))
    text = page.content.decode()
    assert "terugzetten naar deze versie" in text
    assert 'value="Terugzetten"' in text
    for english in ("Revert", "Press the", "Close"):
        assert english not in text


@pytest.mark.parametrize("history_id", ["abc", "999999", "1.5"])
def test_an_unknown_historic_version_is_not_found(superuser_client, history_id):
    program = program_with_history(CONCEPT)
    url = admin_url(Program, "change", program.pk).replace("/change/", f"/history/{history_id}/")
    assert superuser_client.get(url).status_code == 404


def test_a_revoked_key_cannot_be_revived_by_a_revert(superuser_client):
    token, _key = ApiToken.issue("BI", superuser_client.user)
    token.revoked_at = token.created_at
    token._change_reason = "Ingetrokken"
    token.save()
    url = admin_url(ApiToken, "change", token.pk).replace(
        "/change/", f"/history/{token.history.earliest().history_id}/"
    )
    assert superuser_client.post(url, {"name": "BI"}).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is not None


# The admin's version check cannot be skipped.


def test_a_form_without_the_version_it_saw_is_refused(superuser_client):
    program = factories.ProgramFactory(description="Oud")
    url = admin_url(Program, "change", program.pk)
    form = browser_form(superuser_client.get(url), Program)
    del form["seen_version"]

    response = superuser_client.post(url, posted(form, description="Nieuw", change_reason="X"))

    assert response.status_code == 200
    assert "welke versie" in " ".join(response.context["adminform"].form.non_field_errors())
    assert Program.objects.get(pk=program.pk).description == "Oud"


def test_an_inline_row_without_the_version_it_saw_is_refused(superuser_client):
    line = factories.BudgetLineFactory(label="Oud")
    url = admin_url(Program, "change", line.program.pk)
    form = browser_form(superuser_client.get(url), Program)
    prefix = inline_prefix(form, BudgetLine)
    del form[f"{prefix}-0-seen_version"]

    superuser_client.post(url, posted(form, **{f"{prefix}-0-label": "Nieuw", "change_reason": "X"}))

    assert BudgetLine.objects.get(pk=line.pk).label == "Oud"


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_admin_saves_give_one_success_and_no_error(django_user_model):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs a server database")
    user = django_user_model.objects.create_superuser("beheerder", "b@example.org", "x")
    program = factories.ProgramFactory(description="Oud")
    url = admin_url(Program, "change", program.pk)
    opener = Client()
    opener.force_login(user)
    form = browser_form(opener.get(url), Program)
    clients = []
    for _ in range(20):
        editor = Client()
        editor.force_login(user)
        clients.append(editor)
    start, statuses = threading.Barrier(20), []

    def save(editor, number):
        start.wait()
        try:
            data = posted(form, description=f"Schrijver {number}", change_reason="Tegelijk")
            statuses.append(editor.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(editor, n)) for n, editor in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 19 + [302]
    program.refresh_from_db()
    assert program.version == 2


# A refusal says no more than that a value is taken.


def test_a_taken_value_is_refused_alike_whether_its_record_is_public_or_a_concept(user_for):
    factories.ThemeFactory(slug="geheim", name="Geheim thema", publication_status=CONCEPT)
    factories.ThemeFactory(slug="open", name="Open thema", publication_status=PUBLISHED)
    account = user_for("Redacteur")
    account.is_staff = False  # a system's key: it may write concepts, not read them
    account.save()
    _token, key = ApiToken.issue("Systeem", account)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    def refusal(slug, name):
        response = api.post("/api/v1/themes", {"slug": slug, "name": name}, format="json")
        assert response.status_code == 400
        body = response.json()
        return [(p["name"], p["reason"]) for p in body["invalidParams"]], body["detail"]

    assert refusal("geheim", "Nieuw 1") == refusal("open", "Nieuw 2")
    assert refusal("nieuw-3", "Geheim thema") == refusal("nieuw-4", "Open thema")
    reasons, _detail = refusal("geheim", "Nieuw 1")
    assert "thema" not in str(reasons).lower()

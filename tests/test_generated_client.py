"""A Python client generated from `/api/v1/openapi.json` works, unchanged, against the server.

`openapi-python-client` (pinned in requirements-dev.txt, offline) generates the client once
per session into a temporary directory; the tests import it from there and use it as a
client system would, against a live server with the memo loaded (`memo_site`): every list
paged to its end, every detail read, the changes feed followed with `next`, and writes with
a key, `If-Match` and `Change-Reason`. A change of the document that breaks generated
clients (an operation or a field renamed, a type that no longer parses, a status the document
does not declare) fails here.
"""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from limburg_maak.models import ApiToken

PACKAGE = "tracker_client"
RESOURCES = [
    "documents",
    "programs",
    "budget_lines",
    "subsidies",
    "commitments",
    "organisations",
    "themes",
    "actions",
    "indicators",
]


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """The client package, generated from the document the app serves."""
    root = tmp_path_factory.mktemp("generated_client")
    document = root / "openapi.json"
    call_command("spectacular", format="openapi-json", file=str(document))
    config = root / "config.yaml"
    config.write_text(
        f"package_name_override: {PACKAGE}\nproject_name_override: tracker-client\npost_hooks: []\n"
    )
    generator = Path(sys.executable).parent / "openapi-python-client"
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(document),
            "--output-path",
            str(root / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Any warning means part of the document could not be turned into code.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))


def operation(package, resource, name):
    return importlib.import_module(f"{package.__name__}.api.{resource}.{resource}_{name}")


@pytest.fixture
def anonymous(generated, memo_site):
    # The document declares reads as needing no key (`security: [{}, {apiToken: []}]`), but
    # openapi-python-client 0.29 types every operation with a security list as taking an
    # AuthenticatedClient; the plain Client works, since both send through httpx.
    return generated.Client(base_url=f"{memo_site}/api/v1", raise_on_unexpected_status=True)


@pytest.fixture
def with_key(generated, memo_site, django_user_model):
    user = django_user_model.objects.create_user("systeem", is_staff=True)
    user.groups.add(Group.objects.get(name="Publicist"))
    key = ApiToken.issue("gegenereerde client", user)[1]
    return generated.AuthenticatedClient(
        base_url=f"{memo_site}/api/v1", token=key, raise_on_unexpected_status=True
    )


def key_of(record):
    return getattr(record, "slug", None) or record.id


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_pages_every_list_and_reads_every_detail(generated, anonymous):
    read = 0
    for resource in RESOURCES:
        listing, retrieve = (operation(generated, resource, n) for n in ("list", "retrieve"))
        page_number, keys = 1, []
        while True:
            response = listing.sync_detailed(client=anonymous, page=page_number, page_size=25)
            assert response.status_code == 200, (resource, response.content)
            page = response.parsed
            assert page.count_is_exact
            keys += [key_of(record) for record in page.results]
            if page.next_ is None:
                break
            page_number += 1
        assert keys and len(keys) == len(set(keys)) == page.count, resource
        for key in keys:
            detail = retrieve.sync_detailed(key, client=anonymous)
            assert detail.status_code == 200, (resource, key, detail.content)
            assert key_of(detail.parsed) == key
            read += 1
    assert read > 100


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_follows_the_changes_feed_to_its_end(generated, anonymous):
    changes = importlib.import_module(f"{PACKAGE}.api.changes.changes_list")
    seen, cursor, pages = [], generated.types.UNSET, 0
    while True:
        response = changes.sync_detailed(client=anonymous, cursor=cursor, page_size=50)
        assert response.status_code == 200, response.content
        page = response.parsed
        seen += [(change.type_, change.id) for change in page.results]
        pages += 1
        if page.next_ is None:
            break
        cursor = page.cursor
    assert pages > 1
    assert ("program", "limburgmakers") in seen


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_writes_with_a_key(generated, anonymous, with_key):
    programs = {n: operation(generated, "programs", n) for n in ("retrieve", "partial_update")}
    models = generated.models

    current = programs["retrieve"].sync_detailed("limburgmakers", client=with_key)
    changed = programs["partial_update"].sync_detailed(
        "limburgmakers",
        client=with_key,
        body=models.PatchedProgramRequest(description="Bijgewerkt door een client."),
        if_match=current.headers["ETag"],
        change_reason="Test van de gegenereerde client",
    )
    assert changed.status_code == 200, changed.content
    assert changed.parsed.description == "Bijgewerkt door een client."
    # The old ETag names a version that is gone: 412, a problem the client parses.
    stale = programs["partial_update"].sync_detailed(
        "limburgmakers",
        client=with_key,
        body=models.PatchedProgramRequest(description="Te laat."),
        if_match=current.headers["ETag"],
        change_reason="Te laat",
    )
    assert stale.status_code == 412
    assert isinstance(stale.parsed, models.Problem)

    themes = {n: operation(generated, "themes", n) for n in ("create", "retrieve", "destroy")}
    created = themes["create"].sync_detailed(
        client=with_key,
        body=models.ThemeRequest(slug="client-thema", name="Thema van een client"),
        change_reason="Test van de gegenereerde client",
    )
    assert created.status_code == 201, created.content
    # A new record is a concept: only a key whose role reads concepts sees it.
    read = themes["retrieve"].sync_detailed("client-thema", client=with_key)
    assert read.status_code == 200 and read.parsed.name == "Thema van een client"
    deleted = themes["destroy"].sync_detailed(
        "client-thema",
        client=with_key,
        if_match=created.headers["ETag"],
        change_reason="Opgeruimd",
    )
    assert deleted.status_code == 204, deleted.content
    # Without a key, a write is refused (and the document says so: 401 is declared).
    refused = themes["create"].sync_detailed(
        client=anonymous,
        body=models.ThemeRequest(slug="zonder-sleutel", name="Zonder sleutel"),
    )
    assert refused.status_code in (401, 403)

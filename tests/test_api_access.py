"""API access for systems: keys issued and revoked in the admin, scoped by groups; throttling."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from limburg_maak.models import ApiToken, digest

from .factories import ProgramFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def system_account(django_user_model):
    account = django_user_model.objects.create_user("bi-systeem", is_staff=True)
    account.groups.add(Group.objects.get(name="Lezer"))
    return account


def bearer(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_a_key_issued_in_the_admin_is_shown_once_and_stored_as_a_digest(
    admin_client, system_account
):
    response = admin_client.post(
        "/admin/limburg_maak/apitoken/add/",
        {"name": "Provinciale BI", "user": system_account.pk},
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"] if "eenmalig" in str(m)]
    key = message.rsplit(" ", 1)[-1]
    token = ApiToken.objects.get()
    assert token.digest == digest(key)
    assert key not in str(token.__dict__)
    assert (
        key
        not in admin_client.get(f"/admin/limburg_maak/apitoken/{token.pk}/change/").content.decode()
    )
    assert token.history.get().history_change_reason == "Uitgegeven"


def test_a_key_reads_with_the_rights_of_its_account(system_account):
    ProgramFactory(slug="concept-programma", publication_status="concept")
    _token, key = ApiToken.issue("BI", system_account)
    assert bearer(key).get("/api/v1/programs/concept-programma").status_code == 200
    assert APIClient().get("/api/v1/programs/concept-programma").status_code == 404


def test_a_revoked_or_wrong_key_is_refused_with_a_problem(admin_client, system_account):
    token, key = ApiToken.issue("BI", system_account)
    admin_client.post(
        "/admin/limburg_maak/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    for wrong in (key, key[:-2] + "xx", "onzin"):
        response = bearer(wrong).get("/api/v1/programs")
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_anonymous_clients_are_throttled_per_address_behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]  # the test client's address is the proxy's
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anonymous": "3/minute"}
    client = APIClient()
    for _ in range(3):
        assert client.get("/api/v1/themes", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
    refused = client.get("/api/v1/themes", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/themes", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 200


def test_each_key_has_its_own_allowance(settings, system_account):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "token": "2/minute"}
    _first, first_key = ApiToken.issue("BI", system_account)
    _second, second_key = ApiToken.issue("Open data", system_account)
    for _ in range(2):
        assert bearer(first_key).get("/api/v1/themes").status_code == 200
    assert bearer(first_key).get("/api/v1/themes").status_code == 429
    assert bearer(second_key).get("/api/v1/themes").status_code == 200


def test_page_size_is_capped_at_a_hundred():
    ThemeFactory.create_batch(120)
    response = APIClient().get("/api/v1/themes?pageSize=100")
    assert response.json()["count"] == 120
    assert len(response.json()["results"]) == 100
    assert len(APIClient().get("/api/v1/themes?pageSize=5").json()["results"]) == 5
    # More than the document allows is refused, as the document says, not silently cut.
    refused = APIClient().get("/api/v1/themes?pageSize=1000")
    assert refused.status_code == 400
    assert refused.json()["invalidParams"][0]["name"] == "pageSize"


def test_anonymous_requests_are_read_only():
    response = APIClient().post("/api/v1/programs", {"name": "x"}, format="json")
    assert response.status_code in (401, 403, 405)
    assert response["Content-Type"] == "application/problem+json"


def test_answers_to_a_key_that_reads_concepts_are_not_cached(system_account):
    _token, key = ApiToken.issue("BI", system_account)
    assert "no-store" in bearer(key).get("/api/v1/programs")["Cache-Control"]


def test_reads_carry_an_etag_and_answer_304_when_nothing_changed():
    program = ProgramFactory(slug="etag", description="Eerste")
    client = APIClient()
    first = client.get("/api/v1/programs/etag")
    etag = first["ETag"]
    not_modified = client.get("/api/v1/programs/etag", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified["API-Version"]
    program.description = "Tweede"
    program._change_reason = "Tekst"
    program.save()
    changed = client.get("/api/v1/programs/etag", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag

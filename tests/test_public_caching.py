"""Public reads may be kept by a shared cache; nothing staff or a key holder sees ever is."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils.cache import get_max_age
from rest_framework.test import APIClient

from limburg_maak.models import ApiToken
from programs.models import PublicationStatus

from .factories import ProgramFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/programmas", "/toezeggingen", "/zoeken?q=programma", "/programmas/gedeeld"]
API_READS = ["/api/v1/programs", "/api/v1/programs/gedeeld", "/api/v1/budget-lines/totals"]


@pytest.fixture(autouse=True)
def shared_program():
    return ProgramFactory(slug="gedeeld", name="Gedeeld programma")


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def vary(response):
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def is_public(response):
    return "public" in cache_control(response)


@pytest.mark.parametrize("address", PAGES)
def test_anonymous_pages_are_public_for_a_minute_per_language(client, address):
    response = client.get(address)
    assert response.status_code == 200
    assert cache_control(response) == {"public", "max-age=60"}
    assert {"accept-language", "cookie"} <= vary(response)
    assert not response.cookies


@pytest.mark.parametrize("address", API_READS)
def test_anonymous_api_reads_are_public_and_vary_by_key(address):
    response = APIClient().get(address)
    assert response.status_code == 200
    assert cache_control(response) == {"public", "max-age=60"}
    assert "authorization" in vary(response)


@pytest.mark.parametrize("address", [PAGES[0], PAGES[4], API_READS[1]])
def test_a_public_read_has_a_strong_etag_and_answers_304_with_the_same_headers(client, address):
    first = client.get(address)
    etag = first["ETag"]
    assert etag.startswith('"'), "a weak ETag cannot be used for a range or a strong comparison"
    again = client.get(address)
    assert again.content == first.content, "two anonymous readers get the same bytes"
    not_modified = client.get(address, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified["ETag"] == etag
    assert cache_control(not_modified) == {"public", "max-age=60"}
    assert vary(not_modified) == vary(first)


def test_max_age_follows_the_setting_and_zero_turns_it_off(client, settings):
    settings.PUBLIC_MAX_AGE = 300
    assert get_max_age(client.get("/programmas")) == 300
    settings.PUBLIC_MAX_AGE = 0
    assert not is_public(client.get("/programmas"))


@pytest.mark.parametrize("role", ["Lezer", "Redacteur", "Publicist", None])
def test_nothing_a_signed_in_person_sees_is_public(django_user_model, role):
    user = django_user_model.objects.create_user(f"medewerker-{role}", is_staff=role is not None)
    if role:
        user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    for address in PAGES:
        assert not is_public(client.get(address)), address
    api = APIClient()
    api.force_login(user)
    for address in API_READS:
        assert not is_public(api.get(address)), address


@pytest.mark.parametrize("role", ["Lezer", None])
def test_nothing_a_key_holder_reads_is_public(django_user_model, role):
    user = django_user_model.objects.create_user(f"systeem-{role}", is_staff=role is not None)
    if role:
        user.groups.add(Group.objects.get(name=role))
    _token, key = ApiToken.issue("Koppeling", user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    for address in API_READS:
        response = api.get(address)
        assert response.status_code == 200
        assert not is_public(response), address


def test_the_public_view_of_staff_writes_and_sign_in_pages_are_never_public(admin_client, client):
    assert not is_public(admin_client.get("/programmas?openbaar"))
    assert not is_public(client.get("/programmas?openbaar"))
    assert not is_public(admin_client.get("/admin/"))
    assert not is_public(client.get("/accounts/login/"))
    assert not is_public(client.post("/i18n/setlang/", {"language": "en", "next": "/"}))
    assert not is_public(client.get("/bestaat-niet"))


def test_the_language_switch_needs_no_csrf_token_so_pages_set_no_cookie():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/programmas")
    assert "csrfmiddlewaretoken" not in page.content.decode()
    assert not page.cookies
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/programmas"})
    assert switched.status_code == 302
    english = client.get("/programmas")
    assert 'lang="en"' in english.content.decode()
    assert english["ETag"] != page["ETag"], "each language has its own copy"


@pytest.mark.parametrize("address", ["/programmas/gedeeld", "/api/v1/programs/gedeeld"])
def test_unpublishing_is_visible_to_the_next_read_past_max_age(client, shared_program, address):
    """A proxy keeps a copy at most `max-age` seconds; after that it asks again, with the ETag
    it holds. The origin answers from the current data, so the copy is not renewed."""
    kept = client.get(address)
    assert get_max_age(kept) == 60
    shared_program.publication_status = PublicationStatus.CONCEPT
    shared_program._change_reason = "Terug naar concept"
    shared_program.save()
    revalidated = client.get(address, HTTP_IF_NONE_MATCH=kept["ETag"])
    assert revalidated.status_code in (404, 410)
    assert not is_public(revalidated)


def test_publishing_is_visible_to_the_next_read_past_max_age(client, shared_program):
    listed = client.get("/api/v1/programs")
    concept = ProgramFactory(
        slug="nieuw", name="Nieuw programma", publication_status=PublicationStatus.CONCEPT
    )
    assert client.get("/api/v1/programs", HTTP_IF_NONE_MATCH=listed["ETag"]).status_code == 304
    concept.publication_status = PublicationStatus.PUBLISHED
    concept._change_reason = "Gepubliceerd"
    concept.save()
    revalidated = client.get("/api/v1/programs", HTTP_IF_NONE_MATCH=listed["ETag"])
    assert revalidated.status_code == 200
    assert "Nieuw programma" in revalidated.content.decode()

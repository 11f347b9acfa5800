"""The client's address: X-Forwarded-For counts only from a trusted proxy (TRUSTED_PROXIES).

One rule for the login lockout, the API throttling and the audit log; a client that reaches
the app directly cannot choose its address by sending the header.
"""

import json
import logging
import os
import runpy
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from limburg_maak.addresses import client_ip

pytestmark = pytest.mark.django_db

PROXY = "10.1.2.3"


def login(client, password, forwarded, remote):
    return client.post(
        "/accounts/login/?next=/admin/",
        {"login": "redacteur", "password": password},
        HTTP_X_FORWARDED_FOR=forwarded,
        REMOTE_ADDR=remote,
    )


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "redacteur", password="juist-wachtwoord-42", is_staff=True
    )


def test_rotating_forwarded_for_from_a_direct_client_does_not_escape_the_lockout(editor, client):
    statuses = [
        login(client, "fout", f"198.51.100.{attempt}", "203.0.113.7").status_code
        for attempt in range(30)
    ]
    limit = django_settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert set(statuses[limit - 1 :]) == {429}
    assert login(client, "juist-wachtwoord-42", "198.51.100.99", "203.0.113.7").status_code == 429


def test_behind_a_trusted_proxy_the_address_the_proxy_saw_is_locked_out(editor, client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client wrote its own entry first; two proxies appended theirs.
    for attempt in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, "fout", f"192.0.2.{attempt}, 203.0.113.7, 10.0.0.5", PROXY)
    assert login(client, "juist-wachtwoord-42", "203.0.113.7, 10.0.0.5", PROXY).status_code == 429
    assert login(client, "juist-wachtwoord-42", "198.51.100.9, 10.0.0.5", PROXY).status_code == 302


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client"),
    [
        # None trusted (the default): the socket's address, whatever the header says.
        ([], "203.0.113.7", "198.51.100.9", "203.0.113.7"),
        # A client that is no trusted proxy cannot claim another address.
        (["10.0.0.0/8"], "203.0.113.7", "198.51.100.9", "203.0.113.7"),
        # From a trusted proxy: the address it saw; what the client wrote before it is ignored.
        (["10.0.0.0/8"], PROXY, "192.0.2.1, 198.51.100.9", "198.51.100.9"),
        # Past every trusted proxy in the chain, from the right.
        (
            ["10.0.0.0/8", "127.0.0.1/32"],
            "127.0.0.1",
            "192.0.2.1, 198.51.100.9, 10.0.0.5",
            "198.51.100.9",
        ),
        (["10.0.0.0/8"], PROXY, " 2001:db8::1 ", "2001:db8::1"),
        (["10.0.0.0/8"], "::ffff:10.1.2.3", "198.51.100.9", "198.51.100.9"),
        # A trusted proxy that forwards nothing, or something that is no address: the socket.
        (["10.0.0.0/8"], PROXY, "", PROXY),
        (["10.0.0.0/8"], PROXY, "192.0.2.1, onzin", PROXY),
        (["10.0.0.0/8"], PROXY, "198.51.100.9:4711", PROXY),
        # Only trusted addresses: the one furthest from the app.
        (["10.0.0.0/8"], PROXY, "10.9.9.9, 10.0.0.5", "10.9.9.9"),
    ],
)
def test_the_client_address_is_read_past_trusted_proxies_only(
    rf, settings, trusted, remote, forwarded, client
):
    settings.TRUSTED_PROXIES = trusted
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == client


def test_rotating_forwarded_for_from_a_direct_client_does_not_escape_throttling(settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anonymous": "3/minute"}
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    statuses = [
        client.get("/api/v1/themes", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(6)
    ]
    assert statuses == [200, 200, 200, 429, 429, 429]


def test_behind_a_trusted_proxy_each_forwarded_client_is_throttled_apart(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anonymous": "2/minute"}
    proxy = APIClient(REMOTE_ADDR=PROXY)

    def get(forwarded):
        return proxy.get("/api/v1/themes", HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [get(f"192.0.2.{n}, 203.0.113.7, 10.0.0.5") for n in range(3)] == [200, 200, 429]
    assert get("203.0.113.8, 10.0.0.5") == 200


def audit_addresses(caplog):
    return [
        json.loads(record.getMessage())["address"]
        for record in caplog.records
        if record.name == "limburg_maak.audit"
    ]


def test_the_audit_log_has_the_address_by_the_same_rule(editor, client, settings, caplog):
    caplog.set_level(logging.INFO, logger="limburg_maak.audit")
    login(client, "fout", "198.51.100.9", "203.0.113.7")
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    login(client, "fout", "192.0.2.1, 198.51.100.9", PROXY)
    assert audit_addresses(caplog) == ["203.0.113.7", "198.51.100.9"]


def test_the_old_num_proxies_setting_refuses_to_start():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DEBUG": "1", "NUM_PROXIES": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "NUM_PROXIES" in result.stderr and "TRUSTED_PROXIES" in result.stderr


def test_an_invalid_trusted_proxy_refuses_to_start():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DEBUG": "1", "TRUSTED_PROXIES": "10.0.0.0/8,proxy.example.nl"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr and "proxy.example.nl" in result.stderr


def gunicorn_config(monkeypatch, **env):
    monkeypatch.delenv("BIND", raising=False)
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(django_settings.BASE_DIR / "gunicorn.conf.py"))


def test_gunicorn_listens_on_the_loopback_address_and_trusts_the_same_proxies(monkeypatch):
    default = gunicorn_config(monkeypatch)
    assert default["bind"] == "127.0.0.1:8000"
    assert default["forwarded_allow_ips"] == ""
    behind = gunicorn_config(monkeypatch, BIND="0.0.0.0:8000", TRUSTED_PROXIES="10.0.0.0/8, ::1")
    assert behind["bind"] == "0.0.0.0:8000"
    assert behind["forwarded_allow_ips"] == "10.0.0.0/8,::1"


@pytest.mark.parametrize(
    ("remote", "redirected"),
    [("203.0.113.7", True), (PROXY, False)],
    ids=["client-directly", "trusted-proxy"],
)
def test_only_a_trusted_proxy_may_say_a_request_came_in_over_https(
    client, settings, remote, redirected
):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=remote)
    assert (response.status_code == 301) is redirected
    if redirected:
        assert response["Location"].startswith("https://")

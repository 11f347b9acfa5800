"""Production hardening: security headers, no caching of editor views, lockout, audit log."""

import json
import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from .factories import ProgramFactory

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "maakindustrie.example.nl",
}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_admin_address_is_configurable():
    code = "import django; django.setup(); from django.urls import reverse; print(reverse('admin:index'))"  # noqa: E501
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            **PRODUCTION_ENV,
            "ADMIN_URL": "beheer-x7/",
            "DJANGO_SETTINGS_MODULE": "limburg_maak.settings",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "/beheer-x7/", result.stderr


@pytest.mark.parametrize("path", ["/", "/programmas", "/api/v1/programs", "/admin/login/"])
def test_security_headers_on_every_kind_of_response(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_editor_views_are_never_cached(client, admin_client):
    ProgramFactory(slug="open")
    assert "no-store" not in client.get("/api/v1/programs").get("Cache-Control", "")
    assert "no-store" in admin_client.get("/api/v1/programs")["Cache-Control"]
    assert "no-store" in admin_client.get("/programmas/open")["Cache-Control"]
    assert "no-store" in admin_client.get("/admin/")["Cache-Control"]
    assert "no-store" in client.get("/admin/login/")["Cache-Control"]


def test_editor_sessions_expire_after_idle_time(admin_client):
    admin_client.get("/admin/")
    assert admin_client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert admin_client.session.get_expire_at_browser_close()


def login(client, password, address):
    return client.post(
        "/accounts/login/?next=/admin/",
        {"login": "redacteur", "password": password},
        HTTP_X_FORWARDED_FOR=address,
    )


def test_admin_login_locks_out_after_repeated_failures(client, django_user_model, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]  # the test client's address is the proxy's
    django_user_model.objects.create_user(
        "redacteur", password="juist-wachtwoord-42", is_staff=True
    )
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "fout", "203.0.113.7").status_code == 200
    assert login(client, "fout", "203.0.113.7").status_code == 429
    # Locked: even the right password is refused now.
    assert login(client, "juist-wachtwoord-42", "203.0.113.7").status_code == 429
    # Behind one proxy the client address is the forwarded one: another client is not locked.
    assert login(client, "juist-wachtwoord-42", "198.51.100.9").status_code == 302


def audit_lines(caplog):
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "limburg_maak.audit"
    ]


def test_logins_and_writes_are_in_the_audit_log(client, django_user_model, caplog, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]  # the test client's address is the proxy's
    caplog.set_level(logging.INFO, logger="limburg_maak.audit")
    django_user_model.objects.create_user(
        "redacteur", password="juist-wachtwoord-42", is_staff=True, is_superuser=True
    )
    login(client, "fout", "203.0.113.7")
    login(client, "juist-wachtwoord-42", "203.0.113.7")
    program = ProgramFactory(slug="gelogd")
    program.description = "Gewijzigd"
    program._change_reason = "Tekst bijgewerkt"
    program.save()

    events = audit_lines(caplog)
    assert {"event": "login_failed", "user": "redacteur", "address": "203.0.113.7"} in events
    assert any(e["event"] == "login" and e["user"] == "redacteur" for e in events)
    update = next(
        e
        for e in events
        if e["event"] == "write"
        and e.get("change") == "update"
        and e["model"] == "programs.Program"
    )
    assert update["reason"] == "Tekst bijgewerkt"
    assert update["changed_fields"] == ["description"]

"""A real OpenID Connect provider for the sign-in tests: the npm package `oidc-provider`, run by
Node (tests/oidc/provider.mjs) on a free port, with the live server as its one client. The
fixtures are registered in `conftest.py`.

Without Node or `node_modules/oidc-provider` the tests that need it skip, unless
REQUIRE_BROWSER=1 (as in CI): then they fail.
"""

import copy
import importlib
import json
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from limburg_maak.settings import origin

SCRIPT = Path(__file__).parent / "oidc" / "provider.mjs"
PACKAGE = Path(settings.BASE_DIR) / "node_modules" / "oidc-provider"
CLIENT_ID = "maakindustrie-tracker"
CLIENT_SECRET = "alleen-voor-de-tests"
#: The claim values of the role groups, as Entra ID sends them: group object ids.
GROUP_IDS = {
    "Lezer": "3f1c9a52-lezer",
    "Redacteur": "8d2e7b41-redacteur",
    "Publicist": "c5a09f13-publicist",
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class IdentityProvider:
    """The running provider: its issuer, and the accounts it signs in."""

    def __init__(self, directory, site):
        self.accounts_file = directory / "accounts.json"
        self.accounts = {}
        self.save_accounts()
        port = free_port()
        self.issuer = f"http://127.0.0.1:{port}"
        self.callback = f"{site}/accounts/oidc/{settings.OIDC_PROVIDER_ID}/login/callback/"
        client = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [self.callback],
            "post_logout_redirect_uris": [f"{site}/"],
            "token_endpoint_auth_method": "client_secret_post",
        }
        settings_file = directory / "provider.json"
        settings_file.write_text(
            json.dumps({"clients": [client], "accounts": str(self.accounts_file)})
        )
        self.process = subprocess.Popen(
            ["node", str(SCRIPT), str(port), str(settings_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output = []
        ready = threading.Event()

        def read():
            for line in self.process.stdout:
                self.output.append(line)
                if line.startswith("listening"):
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(20):
            self.stop()
            raise RuntimeError("oidc-provider did not start:\n" + "".join(self.output))

    def set_account(self, sub, **claims):
        """Who `sub` is at their next sign-in: email, name, preferred_username, groups..."""
        self.accounts[sub] = claims
        self.save_accounts()

    def save_accounts(self):
        self.accounts_file.write_text(json.dumps(self.accounts))

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def missing_requirement():
    if shutil.which("node") is None:
        return "node is missing: install Node 20 or later"
    if not PACKAGE.exists():
        return f"{PACKAGE} is missing: run `npm ci`"
    return None


@pytest.fixture(scope="session")
def identity_provider(live_server, tmp_path_factory):
    """The provider, with the live server as its client (one per test worker)."""
    reason = missing_requirement()
    if reason and os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    if reason:
        pytest.skip(reason)
    provider = IdentityProvider(tmp_path_factory.mktemp("oidc"), live_server.url)
    yield provider
    provider.stop()


def restore_roles():
    """The role groups with their permissions, as their migration makes them: a test that
    flushed the database (a transactional one) left none."""
    if Group.objects.filter(name="Redacteur", permissions__isnull=False).exists():
        return
    migration = importlib.import_module("limburg_maak.migrations.0001_roles")
    state = MigrationLoader(connection).project_state(("limburg_maak", "0001_roles"))
    migration.create_roles(state.apps, None)


@pytest.fixture
def province_sign_in(identity_provider, transactional_db, settings):
    """The live server signing in with the provider, its groups mapped to the three roles."""
    restore_roles()
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_SECURE = False
    # As the settings allow the issuer's origin for OIDC_ISSUER: the sign-in redirects there.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(origin(identity_provider.issuer))
    settings.CONTENT_SECURITY_POLICY = policy
    settings.OIDC_GROUP_MAP = {value: role for role, value in GROUP_IDS.items()}
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": settings.OIDC_PROVIDER_ID,
                    "name": "Provincie Limburg",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {
                        "server_url": identity_provider.issuer,
                        "oauth_pkce_enabled": True,
                    },
                }
            ]
        }
    }
    return identity_provider

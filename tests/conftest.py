from functools import partial

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from limburg_maak import sign_in

from .browsers import browser, browser_requirements, memo_site  # noqa: F401 (fixtures)
from .identity_provider import identity_provider, province_sign_in  # noqa: F401 (fixtures)
from .identity_provider import restore_roles as restore_role_groups
from .mailbox import smtp  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def role_groups(request):
    """The role groups in a test that commits: the migration makes them, but a test before it
    that committed (a browser test, a concurrency test) flushed the database, groups and all."""
    marker = request.node.get_closest_marker("django_db")
    commits = marker is not None and marker.kwargs.get("transaction", False)
    if commits or "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        restore_role_groups()


@pytest.fixture(autouse=True)
def force_login_is_a_complete_sign_in(monkeypatch):
    """`client.force_login(user)` (and pytest-django's `admin_client`) stands for a complete
    sign-in, second factor included: the sign-in itself is tested in test_sign_in.py."""
    force_login = Client.force_login

    def complete_sign_in(self, user, backend=None):
        force_login(self, user, backend)
        session = self.session
        sign_in.count_as_second_factor(session, user)
        session.save()

    monkeypatch.setattr(Client, "force_login", complete_sign_in)


@pytest.fixture(autouse=True)
def dutch_by_default():
    """Each test starts in Dutch: a request through the test client leaves its language (English,
    say) active in the thread, which would leak into the next test's formatting."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs the block's on-commit callbacks as its commit would: the
    data version is replaced, and cached figures may be kept from here on."""
    return partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Pages render {% static %}; tests need no collected manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: the database rolls back after each test, the
    local-memory cache does not, so a figure or throttle count would leak into the next. Nor
    do the previous test's uncommitted writes keep this one from reading the cache."""
    from django.core.cache import cache

    from common import caching

    cache.clear()
    caching.forget_uncommitted_writes()


@pytest.fixture(autouse=True)
def generous_throttling(settings):
    """Tests make many requests quickly; the throttling tests set their own rates."""
    settings.API_THROTTLE_RATES = {
        "anonymous": "10000/minute",
        "user": "10000/minute",
        "token": "10000/minute",
    }


@pytest.fixture(scope="session")
def memo_rows(django_db_setup, django_db_blocker):
    """{model: rows} that `load_memo` writes, its history included: loaded once per session in
    a transaction that is rolled back, so that each test that wants the memo copies the rows
    (one INSERT per table) instead of loading and resolving the fixture again."""
    models = apps.get_models(include_auto_created=True)
    with django_db_blocker.unblock(), transaction.atomic():
        before = {model: model._base_manager.count() for model in models}
        call_command("load_memo", verbosity=0)
        rows = {
            model: list(
                model._base_manager.values(*[f.attname for f in model._meta.concrete_fields])
            )
            for model in models
            if model._base_manager.count() != before[model]
        }
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def memo(db, memo_rows):
    """The memo's data, as `make run` loads it: the same rows, with the same keys."""
    from common import caching
    from programs.models import Document

    for model, rows in memo_rows.items():
        model._base_manager.bulk_create(model(**row) for row in rows)
    # The rows keep their keys: move the key sequences past them, as loaddata does.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(memo_rows)):
            cursor.execute(statement)
    # As a load would: what is cached was read before these writes.
    caching.data_changed()
    return Document.objects.get(slug="sterke-maakindustrie-2015")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff_api(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    return client

"""Schemathesis fuzzes every operation of the OpenAPI document against the app in process.

All of Schemathesis' checks run (server errors, status codes, content types, headers and
response schemas, rejection of invalid and acceptance of valid data), with valid and with
invalid input: anonymous reads of every resource, and writes with a publisher's API key.
"""

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from limburg_maak.models import ApiToken

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
# Valid input by the schema's types that the API still refuses, on purpose: a filter or a field
# naming a record by a key that does not exist (or is not public) is a 400 naming the parameter,
# not an empty list; and on writes, the model's rules (a slug already taken, an amount on a PM
# line) and an If-Match naming a version that was made up.
READ_REFUSALS = ["400"]
WRITE_REFUSALS = ["400", "412"]


def load(config):
    """The document as the running app serves it, fuzzed in process over WSGI."""
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json",
        get_wsgi_application(),
        config=schemathesis.config.SchemathesisConfig.from_dict(config),
    )


# A write without If-Match is refused as RFC 6585 says: 428 Precondition Required.
MISSING_HEADER_REFUSALS = ["400", "401", "403", "406", "415", "422", "428"]


def accepting(*refusals):
    """Schemathesis' positive-data check, also allowing these deliberate refusals."""
    expected = ["2xx", "304", "401", "403", "404", *refusals]
    return {
        "checks": {
            "positive_data_acceptance": {"enabled": True, "expected-statuses": expected},
            "missing_required_header": {"expected-statuses": MISSING_HEADER_REFUSALS},
        }
    }


reads = load(accepting(*READ_REFUSALS)).include(method="GET")
writes = load(accepting(*WRITE_REFUSALS)).exclude(method="GET")


@pytest.fixture(autouse=True)
def connection_kept_between_requests():
    """As Django's test client does: a request ending must not close the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def publisher_key(django_user_model):
    user = django_user_model.objects.create_user("publicist", is_staff=True)
    user.groups.add(Group.objects.get(name="Publicist"))
    return ApiToken.issue("fuzzing", user)[1]


@pytest.mark.django_db(transaction=False)
@reads.parametrize()
@FUZZ
def test_anonymous_reads_conform_to_the_document(case, memo):
    case.call_and_validate()


@pytest.mark.django_db(transaction=False)
@writes.parametrize()
@FUZZ
def test_authenticated_writes_conform_to_the_document(case, memo, publisher_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {publisher_key}"})

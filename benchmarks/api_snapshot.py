"""A fingerprint of what the API answers: status, content type and SHA-256 of the body of a fixed
set of requests, one line each.

Run it at two commits against the same database, and compare: a change that only moves code
must leave every line the same.

    export DATABASE_URL=sqlite:////tmp/snapshot.sqlite3 DEBUG=1
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_memo
    .venv/bin/python benchmarks/api_snapshot.py > after.txt
    (in a worktree of the earlier commit, the same command) > before.txt
    diff before.txt after.txt

The requests are anonymous (the public's answers) and cover every resource's list (JSON, CSV,
a second page, ordered, filtered, searched) and a detail, the totals, the overview, the open
data, the changes feed, the OpenAPI document and the problems of bad requests.
"""

import hashlib
import os
import sys
from pathlib import Path

ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "limburg_maak.settings",
    "DEBUG": "1",
    "ALLOWED_HOSTS": "testserver",
    "API_RATE_ANONYMOUS": "1000000/minute",
}
RESOURCES = (
    "documents",
    "programs",
    "budget-lines",
    "subsidies",
    "commitments",
    "organisations",
    "themes",
    "actions",
    "indicators",
)
FIXED = (
    "/api/v1/openapi.json",
    "/api/v1/changes",
    "/api/v1/changes?pageSize=5&page=2",
    "/api/v1/budget-lines/totals",
    "/api/v1/budget-lines/datapackage.json",
    "/api/v1/budget-lines/datapackage.csv",
    "/api/v1/subsidies/360giving",
    "/api/v1/documents/sterke-maakindustrie-2015/overview",
    "/api/v1/commitments?status=voldaan&ordering=-number",
    "/api/v1/commitments?overdue=true",
    "/api/v1/programs?ordering=-name&pageSize=3",
    "/api/v1/programs/bestaat-niet",
    "/api/v1/commitments?status=onbekend",
    "/api/v1/programs?page=0",
)


def requests(client):
    """The paths asked: per resource its list four ways and its first record's detail."""
    paths = list(FIXED)
    for resource in RESOURCES:
        listing = f"/api/v1/{resource}"
        paths += [
            listing,
            f"{listing}?format=csv",
            f"{listing}?pageSize=2&page=2",
            f"{listing}?search=innovatie",
        ]
        first = client.get(listing, {"pageSize": 1}).json().get("results") or []
        if first:
            paths.append(f"{listing}/{first[0].get('id') or first[0].get('slug')}")
    return paths


def main():
    os.environ.update(ENVIRONMENT)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.test import Client

    client = Client()
    for path in requests(client):
        response = client.get(path)
        body = b"".join(response) if response.streaming else response.content
        digest = hashlib.sha256(body).hexdigest()
        print(f"{response.status_code} {response['Content-Type']:<40} {digest} {path}")


if __name__ == "__main__":
    main()

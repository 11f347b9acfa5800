"""Latency and queries per request at scale, next to the raw-SQL floor.

Run it on PostgreSQL loaded with `manage.py generate_scale_data --scale 1` (see the README):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/limburg_bench \\
        .venv/bin/python benchmarks/measure.py [--repeat 30] [--only api]

Every case is a real request through Django's test client in this process, with production
settings (`DEBUG` off). For each it prints p50 and p95 latency, the queries the request ran,
and the floor: the same SQL statements run again on the raw psycopg connection with their rows
fetched and encoded to JSON in this process, which is what the database and a minimal encoder
need for the same rows. `ratio` is p95 over the floor's p95. The last column says whether the
issue's target for that kind of request is met; figures are printed, never asserted.

The script creates a superuser `benchmark` (without a usable password) for the admin cases.
"""

import argparse
import functools
import json
import os
import secrets
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Production settings, for an in-process client on one address: no TLS redirect, and API
# throttling out of the way (the script is one client standing for many).
PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "limburg_maak.settings",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "testserver",
    "SECURE_SSL_REDIRECT": "0",
    "API_RATE_ANONYMOUS": "1000000/minute",
    "API_RATE_USER": "1000000/minute",
    "API_RATE_TOKEN": "1000000/minute",
}
# Targets of issues #7 and #22, per kind of case: (p95 limit in ms, p95 limit as a multiple of
# the floor).
TARGETS = {
    "api list": (None, 3),
    "api detail": (50, None),
    "api totals": (300, None),
    "page": (300, None),
    "admin": (1000, None),
}
#: The multiple of the floor holds only where the floor takes this long (#22): below it the
#: framework's own cost per request dominates.
RATIO_FLOOR_MIN_MS = 2


@dataclass
class Case:
    kind: str
    name: str
    url: str
    #: Its p95 limit in ms as the first request after an edit or with an empty cache, where
    #: that differs from its kind's (the search page: #22).
    fresh_limit_ms: int | None = None

    @property
    def staff(self):
        """Admin pages are read by the `benchmark` superuser, the rest anonymously."""
        return self.kind == "admin"


@dataclass
class Result:
    case: Case
    queries: int
    times: list
    floor_times: list
    #: Measured as the first request after an edit, or with an empty cache.
    fresh: bool = False

    @property
    def p50(self):
        return percentile(self.times, 50)

    @property
    def p95(self):
        return percentile(self.times, 95)

    @property
    def floor_p95(self):
        return percentile(self.floor_times, 95)

    @property
    def ratio(self):
        return self.p95 / self.floor_p95 if self.floor_p95 else None

    @property
    def target_met(self):
        limit_ms, limit_ratio = TARGETS[self.case.kind]
        if self.fresh and self.case.fresh_limit_ms is not None:
            limit_ms = self.case.fresh_limit_ms
        if limit_ms is not None and self.p95 * 1000 > limit_ms:
            return False
        if limit_ratio is None or not self.ratio or self.floor_p95 * 1000 < RATIO_FLOOR_MIN_MS:
            return True
        return self.ratio <= limit_ratio


def percentile(values, pct):
    """The `pct`th percentile (inclusive method), in the values' own unit."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def samples():
    """Published records in the middle of each table, to look up by their public id."""
    from budgets.models import BudgetLine, Subsidy
    from programs.models import Action, Commitment, Document, Organisation, Program, Theme

    def middle(queryset):
        queryset = queryset.published().order_by("pk")
        return queryset[queryset.count() // 2]

    return {
        "budget_line": middle(BudgetLine.objects.select_related("document")),
        "subsidy": middle(Subsidy.objects),
        "commitment": middle(Commitment.objects),
        "program": middle(Program.objects.filter(themes__isnull=False)),
        "organisation": middle(Organisation.objects),
        "document": middle(Document.objects.filter(budget_lines__isnull=False).distinct()),
        "theme": middle(Theme.objects),
        "action": Action.objects.published().order_by("pk").first(),
        "pages": {
            "budget-lines": BudgetLine.objects.published().count() // 20,
            "subsidies": Subsidy.objects.published().count() // 20,
            "commitments": Commitment.objects.published().count() // 20,
            "programs": Program.objects.published().count() // 20,
            "organisations": Organisation.objects.published().count() // 20,
        },
    }


def cases(sample):
    """What the issue asks to measure: API lists (first, deep, filtered, ordered, searched
    page) and details, the overview and totals, the public pages and admin changelists."""
    from django.conf import settings

    api = "/api/v1"
    theme = sample["theme"].slug
    lists = {
        "budget-lines": ("contributionKind=pm", "ordering=-amount", "search=innovatie"),
        "subsidies": ("status=verleend", "ordering=-grantedAmount", "search=innovatie"),
        "commitments": ("status=openstaand", "ordering=deadline", "search=innovatie"),
        "programs": (f"theme={theme}", "ordering=name", "search=innovatie"),
        "organisations": ("kind=bedrijf", "ordering=name", "search=limburg"),
    }
    found = []
    for endpoint, (filtered, ordered, searched) in lists.items():
        deep = max(1, sample["pages"][endpoint] // 2)
        found += [
            Case("api list", f"{endpoint} first page", f"{api}/{endpoint}"),
            Case("api list", f"{endpoint} page {deep}", f"{api}/{endpoint}?page={deep}"),
            Case("api list", f"{endpoint} {filtered}", f"{api}/{endpoint}?{filtered}"),
            Case("api list", f"{endpoint} {ordered}", f"{api}/{endpoint}?{ordered}"),
            Case("api list", f"{endpoint} {searched}", f"{api}/{endpoint}?{searched}"),
        ]
    found += [
        Case("api list", f"{endpoint} first page", f"{api}/{endpoint}")
        for endpoint in ("documents", "themes", "actions", "indicators")
    ]
    details = {
        "budget-lines": sample["budget_line"].public_id,
        "subsidies": sample["subsidy"].slug,
        "commitments": sample["commitment"].public_id,
        "programs": sample["program"].slug,
        "organisations": sample["organisation"].slug,
        "documents": sample["document"].slug,
        "themes": theme,
    }
    if sample["action"]:
        details["actions"] = sample["action"].slug
    found += [
        Case("api detail", f"{endpoint} detail", f"{api}/{endpoint}/{public_id}")
        for endpoint, public_id in details.items()
    ]
    document = sample["document"].slug
    found += [
        Case("api detail", "document overview", f"{api}/documents/{document}/overview"),
        Case("api totals", "budget-lines totals", f"{api}/budget-lines/totals"),
        Case("api totals", "totals per theme", f"{api}/budget-lines/totals?theme={theme}"),
        Case("page", "dashboard", "/"),
        Case("page", "dashboard, theme", f"/?theme={theme}"),
        Case("page", "dashboard, period", "/?periodFrom=2018&periodUntil=2020"),
        Case("page", "register", "/toezeggingen"),
        Case("page", "register, open", "/toezeggingen?status=open"),
        Case("page", "rappellijst", "/toezeggingen/rappellijst"),
        Case("page", "changes", "/wijzigingen?sinds=2000-01-01"),
        Case("page", "programs", "/programmas"),
        Case("page", "program", f"/programmas/{sample['program'].slug}"),
        Case("page", "document", f"/documenten/{document}"),
        Case("page", "organisation", sample["organisation"].get_absolute_url()),
        Case("page", "search", "/zoeken?q=innovatie", fresh_limit_ms=500),
        Case("page", "theme", f"/themas/{theme}"),
    ]
    admin = f"/{settings.ADMIN_URL.rstrip('/')}"
    changelists = {
        "budget lines": "budgets/budgetline/",
        "budget lines, pm": "budgets/budgetline/?contribution_kind__exact=pm",
        "budget lines, search": "budgets/budgetline/?q=innovatie",
        "subsidies": "budgets/subsidy/",
        "commitments": "programs/commitment/",
        "commitments, open": "programs/commitment/?status__exact=openstaand",
        "programs": "programs/program/",
        "organisations": "programs/organisation/",
    }
    found += [Case("admin", name, f"{admin}/{path}") for name, path in changelists.items()]
    return found


def clients():
    """An anonymous client and one logged in as the `benchmark` superuser."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from limburg_maak.sign_in import count_as_second_factor

    user, _created = get_user_model().objects.get_or_create(
        username="benchmark",
        defaults={"is_staff": True, "is_superuser": True, "password": "!benchmark"},
    )
    staff = Client()
    staff.force_login(user)
    # A complete sign-in, second factor included: without it the admin sends the user to set
    # up TOTP (limburg_maak.sign_in).
    session = staff.session
    count_as_second_factor(session, user)
    session.save()
    return {False: Client(), True: staff}


def fetch_once(client, case):
    response = client.get(case.url)
    if response.status_code != 200:
        raise SystemExit(f"{case.url} answered {response.status_code}: {response.content[:300]}")
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def floor(statements):
    """The statements run on the raw DB-API connection, rows fetched and encoded to JSON."""
    from django.db import connection

    connection.ensure_connection()
    cursor = connection.connection.cursor()
    started = time.perf_counter()
    for sql in statements:
        cursor.execute(sql)
        json.dumps(cursor.fetchall(), default=str)
    return time.perf_counter() - started


@functools.cache
def tables_written_by(model):
    """The tracked tables that an edit of a record of `model` writes: the record's, its
    history's and the kept totals it counts again. Read from the statements of one save, in a
    transaction that is rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from common.caching import QUOTED_NAME, forget_uncommitted_writes, tracked_tables

    record = model.objects.order_by("pk")[model.objects.count() // 2]
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        record.save()
        transaction.set_rollback(True)
    forget_uncommitted_writes()
    written = set()
    for query in captured.captured_queries:
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            written.update(QUOTED_NAME.findall(query["sql"]))
    return written & tracked_tables()


def measure(case, client, repeat, after_write=None, cold=False):
    """Time `repeat` requests of `case` and its floor, after one warm-up request; with
    `after_write` (a model label, or "*" for any), each request is the first after an edit
    of that model: the cached figures that read it are stale; with `cold`, each request finds
    the cache empty."""
    from django.apps import apps
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from common.caching import renew_versions

    tables = None if after_write in (None, "*") else tables_written_by(apps.get_model(after_write))

    def fetch(client, case):
        if after_write:
            renew_versions(tables)  # as an edit committed by another process does
        if cold:
            cache.clear()
        return fetch_once(client, case)

    fetch(client, case)
    with CaptureQueriesContext(connection) as captured:
        fetch(client, case)
    # Read now: every request starts by clearing the connection's query log.
    queries = [query["sql"] for query in captured.captured_queries]
    statements = [sql for sql in queries if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    times, floor_times = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        fetch(client, case)
        times.append(time.perf_counter() - started)
        floor_times.append(floor(statements))
    return Result(case, len(queries), times, floor_times, fresh=bool(after_write or cold))


HEADER = (
    f"{'kind':<11} {'case':<42} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} "
    f"{'floor p95':>9} {'ratio':>6}  target"
)


def report_line(result):
    """One line per case: queries, latency, floor, ratio, target."""
    ratio = f"{result.ratio:.1f}" if result.ratio else "-"
    return (
        f"{result.case.kind:<11} {result.case.name[:42]:<42} {result.queries:>7} "
        f"{result.p50 * 1000:>8.1f} {result.p95 * 1000:>8.1f} "
        f"{result.floor_p95 * 1000:>9.1f} {ratio:>6}  "
        f"{'met' if result.target_met else 'MISSED'}"
    )


def run(repeat=30, only=None, out=sys.stdout, after_write=None, cold=False):
    """Measure every case (or those whose kind starts with `only`), printing each as it ends."""
    from django.db import connection

    sample = samples()
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}, {repeat} requests per case"
        + (f", each the first after an edit of {after_write}" if after_write else "")
        + (", each with an empty cache" if cold else "")
        + f", {os.cpu_count()} CPUs\n\n{HEADER}\n{'-' * len(HEADER)}",
        file=out,
        flush=True,
    )
    results = []
    for case in cases(sample):
        if only is None or case.kind.startswith(only):
            # Signed in afresh for each case: a whole run outlasts an editor's idle timeout
            # (SESSION_IDLE_SECONDS), after which the admin answers with its sign-in page.
            client = clients()[case.staff]
            results.append(measure(case, client, repeat, after_write, cold))
            print(report_line(results[-1]), file=out, flush=True)
    met = sum(result.target_met for result in results)
    print(f"\n{met} of {len(results)} cases meet their target.", file=out)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="requests per case (30)")
    parser.add_argument("--only", help="only cases of this kind: api, page or admin")
    parser.add_argument(
        "--after-write",
        nargs="?",
        const="*",
        metavar="MODEL",
        help="make each request the first after an edit of MODEL (programs.Commitment, say), "
        "or of any model: the cached figures and searches that read it are stale",
    )
    parser.add_argument("--cold", action="store_true", help="clear the cache before each request")
    arguments = parser.parse_args()
    os.environ.update(PRODUCTION_ENVIRONMENT)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from django.conf import settings

    # The application as the production server loads it (limburg_maak.wsgi, which also sets up
    # Django); the test client serves requests with the same settings and process state.
    import limburg_maak.wsgi  # noqa: F401

    # Static file URLs without a collected manifest (`collectstatic` is a deployment step).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    run(arguments.repeat, arguments.only, after_write=arguments.after_write, cold=arguments.cold)


if __name__ == "__main__":
    main()

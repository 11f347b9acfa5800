"""The admin in Dutch throughout: every kind of page an editor can reach, with no English text
of Django or of the libraries it uses (history, lockout, import), and the admin's scripts
(pickers, calendars) with a Dutch string for every one of theirs."""

import html
import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import capfirst

from budgets.models import BudgetLine
from programs.models import PublicationStatus
from tests.admin_forms import admin_url
from tests.test_translations import data_values, found, fragment_patterns, read_po

SITE_PACKAGES = Path(admin.__file__).parents[3]
# The catalogues of what the admin shows: Django's own, and the libraries' templates and models.
LIBRARY_CATALOGUES = [
    "django/contrib/admin/locale/en/LC_MESSAGES/django.po",
    "django/contrib/auth/locale/en/LC_MESSAGES/django.po",
    "django/conf/locale/en/LC_MESSAGES/django.po",
    "import_export/locale/de/LC_MESSAGES/django.po",
    "simple_history/locale/de/LC_MESSAGES/django.po",
    "axes/locale/de/LC_MESSAGES/django.po",
    "allauth/locale/en/LC_MESSAGES/django.po",
]
# Not in the libraries' catalogues, but shown by their templates.
UNCATALOGUED = [
    "Press the 'Revert' button below to revert to this version of the object.",
    "Changes",
    "View history: %s",
]


@cache
def english_patterns():
    """{msgid: patterns} of every library string whose Dutch differs from it: found on a
    Dutch page, it is English that was not translated."""
    msgids = set(UNCATALOGUED)
    for path in LIBRARY_CATALOGUES:
        for entry in read_po(SITE_PACKAGES / path):
            msgids |= {entry["msgid"], entry["msgid_plural"]} - {None, ""}
    patterns = {}
    with translation.override("nl"):
        for msgid in msgids:
            # A string without Dutch is English all the same; one the same in Dutch
            # ("Filter", "Status") or without a word tells nothing.
            dutch = translation.gettext(msgid)
            if (dutch == msgid and msgid in with_dutch()) or not re.search(r"[A-Za-z]{3}", msgid):
                continue
            # Model names show capitalised too ("Access attempts" in a heading).
            for text in {msgid, capfirst(msgid)}:
                parts = fragment_patterns(text.replace("%s", "%(x)s").replace("%d", "%(x)s"))
                if parts:
                    patterns[text] = parts
    return patterns


@cache
def with_dutch():
    """The msgids that some Dutch catalogue (a library's, or ours) translates."""
    paths = [
        SITE_PACKAGES / path.replace("/en/", "/nl/").replace("/de/", "/nl/")
        for path in LIBRARY_CATALOGUES
    ]
    paths.append(Path(settings.BASE_DIR) / "locale/nl/LC_MESSAGES/django.po")
    return {
        entry["msgid"]
        for path in paths
        if path.exists()
        for entry in read_po(path)
        if any(entry["msgstr"]) and "fuzzy" not in entry["flags"]
    }


def english_in(response, data):
    content = response.content.decode()
    # Scripts and styles are no text; the admin's scripts are checked by their catalogue.
    content = re.sub(r"<(script|style)\b.*?</\1>", " | ", content, flags=re.S)
    attributes = re.findall(r'(?:title|aria-label|placeholder|alt|value)="([^"]*)"', content)
    text = " | ".join([strip_tags(content), *attributes])
    text = re.sub(r"\s+", " ", html.unescape(text))
    for value in data:
        text = text.replace(value, " | ")
    return sorted(msgid for msgid, parts in english_patterns().items() if found(parts, text))


def admin_pages(user, rf):
    """One page of every kind for every model the user may view: list, add, change, history,
    a version with its revert, delete, deleted records, import."""
    request = rf.get("/")
    request.user = user
    yield reverse("admin:index")
    yield reverse("admin:password_change")
    for app in admin.site.get_app_list(request):
        yield app["app_url"]
        for entry in app["models"]:
            model = entry["model"]
            model_admin = admin.site.get_model_admin(model)
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            yield entry["admin_url"]
            record = model_admin.get_queryset(request).order_by("pk").first()
            keys = [record.pk] if record is not None else None
            may_delete = record is not None and model_admin.has_delete_permission(request, record)
            for view, args in [
                ("add", [] if model_admin.has_add_permission(request) else None),
                ("change", keys),
                ("history", keys),
                ("delete", keys if may_delete else None),
                ("deleted", []),
                ("import", [] if model_admin.has_add_permission(request) else None),
            ]:
                if args is None:
                    continue
                try:
                    yield reverse(f"{name}_{view}", args=args)
                except NoReverseMatch:
                    continue
            versions = getattr(model, "history", None)
            if record is not None and versions is not None:
                version = versions.filter(**{model._meta.pk.attname: record.pk}).first()
                yield reverse(f"{name}_simple_history", args=[record.pk, version.history_id])


@pytest.fixture
def editors(memo, django_user_model):
    superuser = django_user_model.objects.create_superuser("beheer", password=None)
    redacteur = django_user_model.objects.create_user("redacteur", is_staff=True)
    redacteur.groups.add(Group.objects.get(name="Redacteur"))
    return {"superuser": superuser, "Redacteur": redacteur}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["superuser", "Redacteur"])
def test_every_admin_page_is_dutch(client, rf, editors, role):
    user = editors[role]
    client.force_login(user)
    # Django stores permission names in English when it makes them ("Can add group"): data.
    data = sorted([*data_values(), *Permission.objects.values_list("name", flat=True)], key=len)[
        ::-1
    ]
    english = {}
    pages = list(admin_pages(user, rf))

    for url in pages:
        response = client.get(url, headers={"accept-language": "nl"})
        assert response.status_code in (200, 403), url
        found_english = english_in(response, data)
        if found_english:
            english[url] = found_english

    assert len(pages) > 50
    assert english == {}


def catalogue_of(client, url):
    """The strings a page's scripts translate: the JavaScript catalogue's `newcatalog`."""
    script = client.get(url).content.decode()
    return json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S)[1])


def test_the_admin_scripts_have_dutch_for_every_string(admin_client):
    catalogue = catalogue_of(admin_client, reverse("admin:jsi18n"))
    path = SITE_PACKAGES / "django/contrib/admin/locale/en/LC_MESSAGES/djangojs.po"

    keys = [
        f"{entry['msgctxt']}\x04{entry['msgid']}" if entry["msgctxt"] else entry["msgid"]
        for entry in read_po(path)
        if entry["msgid"]
    ]

    missing = [key for key in keys if key not in catalogue]

    assert missing == []
    assert catalogue["Choose all %s"] == "Alle %s kiezen"


def test_the_history_shows_changed_values_as_the_admin_does(admin_client, memo):
    line = BudgetLine.objects.get(document__slug="sterke-maakindustrie-2015", position=1)
    line.amount = Decimal("9100000.00")
    line.publication_status = PublicationStatus.CONCEPT
    line._change_reason = "Correctie"
    line.save()

    html = admin_client.get(admin_url(BudgetLine, "history", line.pk)).content.decode()

    assert re.search(r"8\.900\.000\s*&nbsp;&rarr;&nbsp;&nbsp;9\.100\.000", html)
    assert re.search(r"gepubliceerd\s*&nbsp;&rarr;&nbsp;&nbsp;concept", html)
    assert "9100000.00" not in html

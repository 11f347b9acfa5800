"""Dutch first, English complete: every interface string translated, data as entered."""

import ast
import datetime
import gettext
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation.template import templatize

from budgets.models import Totals
from common.formats import dutch_number, format_money, local_number
from common.fuzzydates import FuzzyDate
from programs.models import Commitment, Program

from .factories import CommitmentFactory, SettlementFactory

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


# The catalogue


def read_po(path):
    """The entries of a .po file: [{"msgctxt", "msgid", "msgid_plural", "msgstr": [...], "flags"}].

    Just enough of the format for the files `makemessages` writes (no gettext needed).
    """
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry = {"msgctxt": None, "msgid_plural": None, "flags": set(), "strings": {}}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry["strings"][key] += ast.literal_eval(line)
            else:
                key, _space, quoted = line.partition(" ")
                entry["strings"][key] = ast.literal_eval(quoted)
        strings = entry.pop("strings")
        if "msgid" not in strings:
            continue  # only comments, e.g. obsolete entries
        entry["msgctxt"] = strings.get("msgctxt")
        entry["msgid"] = strings["msgid"]
        entry["msgid_plural"] = strings.get("msgid_plural")
        if entry["msgid_plural"] is None:
            entry["msgstr"] = [strings["msgstr"]]
        else:
            plural_keys = sorted(k for k in strings if k.startswith("msgstr["))
            entry["msgstr"] = [strings[k] for k in plural_keys]
        entries.append(entry)
    return entries


ENTRIES = [entry for entry in read_po(CATALOGUE / "django.po") if entry["msgid"]]


def test_every_interface_string_has_a_finished_english_translation():
    assert len(ENTRIES) > 400, "makemessages found the project's strings"
    unfinished = [
        entry["msgid"]
        for entry in ENTRIES
        if "fuzzy" in entry["flags"] or not all(text.strip() for text in entry["msgstr"])
    ]
    assert unfinished == []


def test_translations_keep_the_placeholders_of_their_dutch_source():
    placeholder = re.compile(r"%\(\w+\)s")
    for entry in ENTRIES:
        expected = sorted(placeholder.findall(entry["msgid"]))
        for text in entry["msgstr"]:
            assert sorted(placeholder.findall(text)) == expected, entry["msgid"]


def test_the_committed_mo_file_is_compiled_from_the_committed_po_file():
    """Run `make messages` after editing the .po file: the app reads only the .mo file."""
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in ENTRIES:
        msgid, context, plural = entry["msgid"], entry["msgctxt"], entry["msgid_plural"]
        if plural is None:
            found = [catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)]
        else:
            # English has two forms: the first for one, the second for any other number.
            found = [
                catalogue.npgettext(context, msgid, plural, n)
                if context
                else catalogue.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
        assert found == entry["msgstr"], msgid


GETTEXT_FUNCTIONS = {
    "_": 1,
    "gettext": 1,
    "gettext_lazy": 1,
    "ngettext": 2,
    "ngettext_lazy": 2,
    "pgettext": 2,
    "pgettext_lazy": 2,
}
SOURCE_DIRS = ("limburg_maak", "common", "programs", "budgets", "website")
PUBLIC_TEMPLATES = [
    "base.html",
    "home.html",
    "accessibility.html",
    "website/*.html",
]


def python_strings():
    """(context, msgid) of every gettext call with literal text in the project's Python code."""
    found = set()
    for directory in SOURCE_DIRS:
        for path in (Path(settings.BASE_DIR) / directory).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                count = GETTEXT_FUNCTIONS.get(name)
                texts = [arg.value for arg in node.args[:count] if isinstance(arg, ast.Constant)]
                if count and len(texts) == count and all(isinstance(t, str) for t in texts):
                    context = texts.pop(0) if name.startswith("pgettext") else None
                    found |= {(context, text) for text in texts}
    return found


def template_strings():
    """(context, msgid) of every {% translate %} and {% blocktranslate %} in the templates."""
    literal = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    call = re.compile(rf"(n?p?gettext)\(((?:{literal}(?:, )?)+)")
    found = set()
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        for name, arguments in call.findall(templatize(path.read_text(encoding="utf-8"))):
            texts = [ast.literal_eval(text) for text in re.findall(literal, arguments)]
            context = texts.pop(0) if name.startswith(("pgettext", "npgettext")) else None
            found |= {(context, text) for text in texts}
    return found


def test_every_string_marked_for_translation_is_in_the_catalogue():
    """A new `{% translate %}` or `_()` needs `make messages` and an English translation."""
    catalogue = {
        (entry["msgctxt"], msgid)
        for entry in ENTRIES
        for msgid in filter(None, (entry["msgid"], entry["msgid_plural"]))
    }
    marked = python_strings() | template_strings()
    assert len(marked) > 400
    assert sorted(marked - catalogue, key=str) == []


def test_public_templates_have_no_text_outside_translation_tags():
    """Interface text in a template is wrapped in {% translate %}; only format names are not."""
    directory = Path(settings.BASE_DIR) / "templates"
    for path in (p for pattern in PUBLIC_TEMPLATES for p in directory.glob(pattern)):
        source = path.read_text(encoding="utf-8")
        source = re.sub(
            r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", "", source, flags=re.S
        )
        source = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", "", source, flags=re.S)
        labels = re.findall(r'(?:title|alt|aria-label|placeholder)="([^"]*)"', source)
        words = re.findall(r"[^\W\d_]+", " ".join([re.sub(r"<[^>]*>", " ", source), *labels]))
        assert set(words) <= {"CSV", "XLSX"}, path.name


# The pages


def fragment_patterns(msgid):
    """Regexes for the literal parts of a msgid, split at its placeholders (`%(date)s`).

    A part at the start or end of the msgid must start or end on a word boundary. Searching
    the parts one by one keeps the search linear, where one regex with `.+?` gaps would not.
    """
    parts = re.split(r"%\(\w+\)s", msgid)
    patterns = []
    for index, part in enumerate(parts):
        if not re.search(r"[^\W\d_]", part):
            continue  # no letters: nothing that tells the language
        left = r"(?<!\w)" if index == 0 else ""
        right = r"(?!\w)" if index == len(parts) - 1 else ""
        patterns.append(re.compile(left + re.escape(part) + right))
    return patterns


def found(patterns, text):
    return bool(patterns) and all(pattern.search(text) for pattern in patterns)


def dutch_only_patterns():
    """The msgids that are Dutch: the translation differs, and English does not use them.

    "Status" (the same in both) and "of" (Dutch "or", but an English word in the
    translations) cannot tell the languages apart, so they are left out.
    """
    english = " | ".join(text for entry in ENTRIES for text in entry["msgstr"])
    patterns = {}
    for entry in ENTRIES:
        for msgid in filter(None, (entry["msgid"], entry["msgid_plural"])):
            if msgid in entry["msgstr"]:
                continue
            parts = fragment_patterns(msgid)
            if parts and not found(parts, english):
                patterns[msgid] = parts
    return patterns


DUTCH = dutch_only_patterns()


def data_values():
    """Every text stored in the database: data is shown as entered, in any language."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label not in ("programs", "budgets"):
            continue
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        ]
        for row in model._base_manager.values_list(*fields):
            values |= {re.sub(r"\s+", " ", value).strip() for value in row if value}
    return sorted(values, key=len, reverse=True)


def interface_text(response, data):
    """The page's text and attribute labels, with every stored value cut out."""
    content = response.content.decode()
    # Excerpts of stored values (a search result's snippet, a chart label shortened for a
    # phone) are data too, but no stored value whole: cut out by their element.
    content = re.sub(r'<p class="search-snippet">.*?</p>', " | ", content, flags=re.S)
    content = re.sub(r'<text class="chart-label chart-label-short"[^>]*>.*?</text>', " | ", content)
    attributes = re.findall(r'(?:title|aria-label|placeholder|alt)="([^"]*)"', content)
    text = " | ".join([strip_tags(content), *attributes])
    text = re.sub(r"\s+", " ", html.unescape(text))
    # Addresses (the printed source line names the page's URL) are no interface text.
    text = re.sub(r"https?://\S+", " | ", text)
    for value in data:
        text = text.replace(value, " | ")
    return text


def dutch_strings_in(text):
    return sorted(msgid for msgid, patterns in DUTCH.items() if found(patterns, text))


def in_language(language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def register(memo):
    """The memo plus a commitment with a deadline change and a pending settlement proposal."""
    commitment = CommitmentFactory(number="5150", title="Reshoring bevorderen", deadline="2016")
    commitment = Commitment.objects.get(pk=commitment.pk)
    commitment.deadline = "najaar 2015"
    commitment._change_reason = "Eerder gevraagd in de commissie"
    commitment.save()
    commitment.programs.add(Program.objects.get(slug="limburgmakers"))
    SettlementFactory(commitment=commitment, proposed_on=datetime.date(2015, 11, 1))
    return memo


PAGES = [
    "/",
    "/documenten/sterke-maakindustrie-2015",
    "/programmas",
    "/programmas/limburgmakers",
    "/organisaties/hotraco-group",
    "/toezeggingen",
    "/toezeggingen?status=openstaand&ordering=-deadline",
    "/toezeggingen?dueBefore=gisteren",
    "/toezeggingen/rappellijst?datum=2016-01-01",
    "/toezeggingen/rappellijst?vergadering=ps-2014-11-07",
    "/toezeggingen/toezegging-1886",
    "/toezeggingen/motie-615",
    "/toezeggingen/toezegging-5150",
    "/themas",
    "/themas/financiering",
    "/acties",
    "/acties?status=aangekondigd&theme=reshoring&ordering=-due",
    "/acties?owner=bestaat-niet",
    "/acties/afspraken-investor-development-programma",
    "/organisaties",
    "/organisaties/provincie-limburg",
    "/zoeken?q=innovatie",
    "/zoeken?q=x",
    "/zoeken?q=onvindbaarwoord",
    "/programmas/bestaat-niet",
    "/toegankelijkheid",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_english_pages_have_no_untranslated_interface_strings(register, url):
    data = data_values()
    english = in_language("en").get(url)
    dutch = in_language("nl").get(url)
    assert english.status_code == dutch.status_code
    assert re.search(r'<html lang="en"[ >]', english.content.decode())
    # The same detector finds the Dutch interface on the Dutch page, so it is looking.
    assert dutch_strings_in(interface_text(dutch, data))
    assert dutch_strings_in(interface_text(english, data)) == []


@pytest.mark.django_db
def test_the_language_switch_keeps_the_page_and_its_filters(memo):
    client = Client(enforce_csrf_checks=True)
    page = "/toezeggingen?status=voldaan&kind=motie"
    content = client.get(page).content.decode()
    assert re.search(r'<html lang="nl"[ >]', content)
    switch = re.search(r'<nav class="language-switch" aria-label="Taal">(.*?)</nav>', content, re.S)
    assert switch, "the switch is a navigation landmark with a name"
    forms = re.findall(r"<form .*?</form>", switch.group(1), re.S)
    english = next(form for form in forms if 'value="en"' in form)
    assert 'lang="en"' in english and "English" in english
    assert 'aria-current="true"' in next(form for form in forms if 'value="nl"' in form)
    assert "csrfmiddlewaretoken" not in english, "a page for everyone holds no per-reader token"
    fields = dict(re.findall(r'name="(next)" value="([^"]*)"', english))
    assert html.unescape(fields["next"]) == page

    response = client.post(
        "/i18n/setlang/",
        {
            "language": "en",
            "next": html.unescape(fields["next"]),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == page
    translated = client.get(response["Location"])
    content = translated.content.decode()
    assert re.search(r'<html lang="en"[ >]', content)
    assert re.search(r'value="en" lang="en" aria-current="true">English<', content)
    assert [c.number for c in translated.context["tables"]["toezeggingen"].records] == ["615"]


@pytest.mark.django_db
def test_data_stays_as_entered_in_english(memo):
    content = in_language("en").get("/programmas/limburgmakers").content.decode()
    text = re.sub(r"\s+", " ", html.unescape(strip_tags(content)))
    program = Program.objects.get(slug="limburgmakers")
    assert program.name == "Programma LimburgMakers"
    assert program.name in text
    assert re.sub(r"\s+", " ", program.description) in text
    assert "<dt>Kind</dt><dd>programme</dd>" in content
    # Marked running in the memo (2015); its period ended in 2016.
    assert "<dt>Status</dt><dd>term ended</dd>" in content
    assert "<dt>Period</dt><dd>mid 2013 – mid 2016</dd>" in content
    assert "€8.9 million" in text


@pytest.mark.django_db
def test_dutch_stays_the_default_and_unchanged(memo):
    response = Client().get("/documenten/sterke-maakindustrie-2015")
    content = response.content.decode()
    assert re.search(r'<html lang="nl"[ >]', content)
    text = re.sub(r"\s+", " ", html.unescape(strip_tags(content)))
    assert "Totaal (1 post op kosten van derden) € 77,57 mln + 6 × PM" in text
    assert "ruim 47.000 werkzame personen" in text


@pytest.mark.django_db
def test_an_english_browser_gets_english_pages(memo):
    response = Client().get("/programmas", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert re.search(r'<html lang="en"[ >]', response.content.decode())
    assert "Programmes and schemes" in response.content.decode()


@pytest.mark.django_db
def test_the_api_and_the_feeds_stay_dutch_for_an_english_client(memo):
    """Other systems store what they read; labels are documented as Dutch."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    program = client.get("/api/v1/programs/limburgmakers").json()
    assert program["start"]["label"] == "medio 2013"
    line = client.get("/api/v1/budget-lines/sterke-maakindustrie-2015-1").json()
    assert "€ 8,9 mln" in line.values()
    calendar = client.get("/termijnen.ics").content.decode()
    assert "medio 2016" in calendar
    assert "Wijzigingen" in client.get("/wijzigingen.atom").content.decode()


# Money, numbers and fuzzy dates in English


@pytest.mark.parametrize(
    ("amount", "english", "dutch"),
    [
        ("8900000", "€8.9 million", "€ 8,9 mln"),
        ("20000", "€0.02 million", "€ 0,02 mln"),
        ("30000000", "€30.0 million", "€ 30,0 mln"),
        ("77570000", "€77.57 million", "€ 77,57 mln"),
        ("1234560000", "€1.23 billion", "€ 1,23 mld"),
        ("4250", "€4,250", "€ 4.250"),
        ("4250.50", "€4,250.50", "€ 4.250,50"),
    ],
)
def test_money_in_english_has_a_decimal_point_and_the_word_million(amount, english, dutch):
    with translation.override("en"):
        assert format_money(Decimal(amount)) == english
    with translation.override("nl"):
        assert format_money(Decimal(amount)) == dutch


def test_numbers_follow_the_language_but_spreadsheet_numbers_stay_dutch():
    with translation.override("en"):
        assert local_number(Decimal("47000")) == "47,000"
        assert local_number(Decimal("3.25")) == "3.25"
        assert dutch_number(Decimal("1234.56"), 2) == "1.234,56"
        assert Totals(Decimal("77570000"), 6, 1).label == "€77.57 million + 6 × PM"
    with translation.override("nl"):
        assert local_number(Decimal("47000")) == "47.000"


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("7 november 2014", "7 November 2014"),
        ("april 2015", "April 2015"),
        ("3e kwartaal 2015", "Q3 2015"),
        ("1e helft 2016", "H1 2016"),
        ("najaar 2015", "autumn 2015"),
        ("voorjaar 2016", "spring 2016"),
        ("begin 2016", "early 2016"),
        ("medio 2016", "mid 2016"),
        ("eind 2014", "late 2014"),
        ("2016", "2016"),
    ],
)
def test_fuzzy_dates_read_dutch_and_are_written_in_the_active_language(text, english):
    period = FuzzyDate.parse(text)
    with translation.override("en"):
        assert str(period) == english
    with translation.override("nl"):
        assert str(period) == text

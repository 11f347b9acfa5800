"""The NL Design System look (#6): the built Utrecht CSS, the Limburg theme, the print source."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import RequestFactory

from limburg_maak.context_processors import public_data
from programs.changes import latest_change_at, latest_changes
from programs.models import PublicationStatus

from .factories import ProgramFactory, save_at

BASE_DIR = Path(settings.BASE_DIR)
THEME = BASE_DIR / "static" / "css" / "limburg-theme.css"
SITE_CSS = BASE_DIR / "static" / "css" / "site.css"
BUILT = BASE_DIR / "build" / "static" / "vendor" / "utrecht"
STYLESHEETS = [
    "/static/vendor/utrecht/index.css",
    "/static/vendor/utrecht/html.css",
    "/static/css/limburg-theme.css",
    "/static/css/site.css",
]
PAGES = [
    "/",
    "/programmas",
    "/programmas/limburgmakers",
    "/documenten/sterke-maakindustrie-2015",
    "/toezeggingen",
    "/zoeken?q=regeling",
]
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize("url", [*PAGES, "/bestaat-niet"])
def test_every_page_links_the_built_utrecht_css_and_the_limburg_theme(client, memo, url):
    response = client.get(url)
    assert response.status_code == (404 if url == "/bestaat-niet" else 200)
    body = response.content.decode()
    assert re.search(r'<html lang="nl" class="utrecht-html limburg-theme">', body)
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', body)
    assert links[: len(STYLESHEETS)] == STYLESHEETS, (
        "components first, then our theme, then our layout, then a page's own"
    )
    assert not re.search(r'(?:href|src)="(?:https?:)?//', body), "nothing from a CDN"
    assert " style=" not in body and "<style" not in body and "<script" not in body


def test_the_linked_stylesheets_are_static_files_of_the_site():
    for href in STYLESHEETS:
        assert finders.find(href.removeprefix("/static/")), f"{href} is not built or not found"


@pytest.mark.parametrize("name", ["index.css", "html.css"])
def test_make_assets_copies_the_utrecht_css_from_npm_with_its_eupl_header(name):
    built = BUILT / name
    assert built.is_file(), "run `make assets` (make test does)"
    head = built.read_text(encoding="utf-8")[:200]
    assert head.startswith("/**\n * @license EUPL-1.2")
    source = BASE_DIR / "node_modules" / "@utrecht" / "component-library-css" / "dist" / name
    assert built.read_bytes() == source.read_bytes()
    assert (
        (BUILT / "LICENSE.md")
        .read_text(encoding="utf-8")
        .startswith("# EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    )


def test_the_build_directory_is_not_committed():
    assert "/build/" in (BASE_DIR / ".gitignore").read_text().splitlines()


# Contrast (WCAG 2.1), computed from the theme's own token values.


def theme_tokens():
    """Every custom property of the theme, with var() references resolved."""
    text = re.sub(r"/\*.*?\*/", "", THEME.read_text(encoding="utf-8"), flags=re.S)
    raw = dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", text))

    def resolve(value, depth=0):
        assert depth < 10, value
        return re.sub(r"var\((--[\w-]+)\)", lambda m: resolve(raw[m[1]], depth + 1), value.strip())

    return {name: resolve(value) for name, value in raw.items()}


def luminance(colour):
    match = re.fullmatch(r"#([0-9a-fA-F]{6})", colour)
    assert match, f"{colour!r} is not a #rrggbb colour"
    channels = [int(match[1][i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one, other):
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


BACKGROUND = "--utrecht-document-background-color"
TEXT_PAIRS = [
    ("--utrecht-document-color", BACKGROUND),
    ("--utrecht-paragraph-color", BACKGROUND),
    ("--utrecht-heading-color", BACKGROUND),
    ("--utrecht-heading-1-color", BACKGROUND),
    ("--limburg-muted-color", BACKGROUND),
    ("--limburg-muted-color", "--limburg-color-surface"),
    ("--utrecht-link-color", BACKGROUND),
    ("--utrecht-link-color", "--limburg-color-surface"),
    ("--utrecht-link-hover-color", BACKGROUND),
    ("--utrecht-link-visited-color", BACKGROUND),
    ("--utrecht-link-focus-color", BACKGROUND),
    ("--utrecht-table-caption-color", BACKGROUND),
    ("--utrecht-table-header-cell-color", "--utrecht-table-header-background-color"),
    ("--utrecht-button-color", "--utrecht-button-background-color"),
    ("--utrecht-button-hover-color", "--utrecht-button-hover-background-color"),
    ("--utrecht-button-focus-color", "--utrecht-button-focus-background-color"),
    ("--utrecht-form-control-color", "--utrecht-form-control-background-color"),
    ("--utrecht-form-label-color", BACKGROUND),
    ("--utrecht-page-header-color", "--utrecht-page-header-background-color"),
    ("--utrecht-page-footer-color", "--utrecht-page-footer-background-color"),
    ("--utrecht-skip-link-color", "--utrecht-skip-link-background-color"),
    # site.css: white buttons with red text in the red header.
    ("--limburg-color-red-dark", "--limburg-color-white"),
    ("--limburg-color-red-darkest", "--limburg-color-surface"),
]
UI_PAIRS = [
    ("--utrecht-focus-outline-color", BACKGROUND),
    ("--utrecht-focus-outline-color", "--utrecht-page-header-background-color"),
    ("--utrecht-focus-outline-color", "--utrecht-page-footer-background-color"),
    ("--utrecht-form-control-border-color", "--utrecht-form-control-background-color"),
    ("--utrecht-table-header-border-block-end-color", BACKGROUND),
    ("--utrecht-separator-color", BACKGROUND),
    ("--limburg-color-white", "--utrecht-page-header-background-color"),
    *[(f"--limburg-chart-{n}", "--limburg-chart-background") for n in range(1, 7)],
    ("--limburg-chart-axis", "--limburg-chart-background"),
    ("--limburg-chart-today", "--limburg-chart-background"),
]


@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_the_theme_text_colours_meet_wcag_aa(foreground, background):
    tokens = theme_tokens()
    ratio = contrast(tokens[foreground], tokens[background])
    assert ratio >= 4.5, f"{foreground} on {background}: {ratio:.2f}:1"


@pytest.mark.parametrize(("foreground", "background"), UI_PAIRS)
def test_the_theme_focus_borders_and_chart_colours_meet_3_to_1(foreground, background):
    tokens = theme_tokens()
    ratio = contrast(tokens[foreground], tokens[background])
    assert ratio >= 3, f"{foreground} on {background}: {ratio:.2f}:1"


def test_the_six_chart_colours_are_all_different():
    tokens = theme_tokens()
    colours = [tokens[f"--limburg-chart-{n}"].lower() for n in range(1, 7)]
    assert len(set(colours)) == 6


def test_the_focus_outline_is_clearly_visible():
    tokens = theme_tokens()
    assert tokens["--utrecht-focus-outline-style"] == "solid"
    assert int(tokens["--utrecht-focus-outline-width"].removesuffix("px")) >= 2


# Print


def test_print_hides_the_navigation_and_prints_tables_whole():
    css = SITE_CSS.read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    hidden = printed[: printed.index("display: none")]
    for selector in (".skip-link", ".site-nav", ".site-search", ".language-switch"):
        assert selector in hidden
    assert re.search(r"thead\s*{\s*display: table-header-group;", printed)
    assert "break-inside: avoid" in printed[printed.index("table:not(") :]
    assert re.search(r"tr,\s*th,\s*td\s*{\s*break-inside: avoid;", printed)
    assert re.search(r"\.print-source\s*{[^}]*position: fixed;", printed)


MONTHS = "januari februari maart april mei juni juli augustus september oktober november december"


def local_date(moment):
    moment = moment.astimezone(AMSTERDAM)
    return f"{moment.day} {MONTHS.split()[moment.month - 1]} {moment.year}"


@pytest.mark.parametrize("url", [*PAGES, "/bestaat-niet"])
def test_every_page_prints_its_source_url_and_the_date_of_the_data(client, memo, url):
    body = client.get(url).content.decode()
    line = re.search(r'<p class="print-source">(.*?)</p>', body, re.S)
    assert line, "a print-only source line"
    text = re.sub(r"\s+", " ", line[1])
    assert (
        "Bron: Maakindustrie Limburg, Provincie Limburg, http://testserver"
        + url.replace("&", "&amp;")
        in text
    )
    newest = latest_changes(limit=1)[0].changed_at
    assert f"Stand van de gegevens: {local_date(newest)}" in text
    assert f"Geraadpleegd op {local_date(datetime.datetime.now(tz=AMSTERDAM))}" in text


@pytest.mark.django_db
def test_the_data_date_is_the_latest_public_change_never_a_concept_edit():
    assert latest_change_at() is None
    march = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM)
    published = save_at(ProgramFactory.build(program_line=None, source=None), march)
    concept = ProgramFactory.build(
        program_line=None, source=None, publication_status=PublicationStatus.CONCEPT
    )
    save_at(concept, datetime.datetime(2026, 5, 1, tzinfo=AMSTERDAM))
    assert latest_change_at() == march

    # Turning a public record back into concept changes what the public sees.
    april = datetime.datetime(2026, 4, 1, 12, 0, tzinfo=AMSTERDAM)
    save_at(published, april, publication_status=PublicationStatus.CONCEPT)
    assert latest_change_at() == april
    assert latest_changes(limit=1)[0].changed_at == april
    # Editing a concept is no public change.
    save_at(concept, datetime.datetime(2026, 6, 1, tzinfo=AMSTERDAM), name="Nog geheim")
    assert latest_change_at() == april


@pytest.mark.django_db
def test_the_page_shows_the_data_date_in_the_language_of_the_page(client):
    save_at(
        ProgramFactory.build(program_line=None, source=None),
        datetime.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM),
    )
    dutch = client.get("/", headers={"accept-language": "nl"}).content.decode()
    assert "Stand van de gegevens: 2 maart 2026, 10:00" in dutch
    english = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "Data as of 2 March 2026, 10:00" in english


@pytest.mark.django_db
def test_the_data_date_costs_at_most_one_query(django_assert_max_num_queries):
    ProgramFactory()
    request = RequestFactory().get("/")
    context = public_data(request)
    with django_assert_max_num_queries(1):
        assert context["data_changed_at"]
        str(context["data_changed_at"])


@pytest.mark.django_db
def test_the_data_date_costs_nothing_on_a_page_that_does_not_show_it(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        public_data(RequestFactory().get("/"))

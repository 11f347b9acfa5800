"""The accessibility statement (toegankelijkheidsverklaring), linked from every page."""

import html
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import strip_tags

from website.views import tool_versions

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)

# One page of every type; the browser tests (test_browser.py) find them by crawling.
PAGES = [
    "/",
    "/documenten/sterke-maakindustrie-2015",
    "/programmas",
    "/programmas/limburgmakers",
    "/organisaties/hotraco-group",
    "/toezeggingen",
    "/toezeggingen?status=voldaan",
    "/toezeggingen/toezegging-1886",
    "/toezeggingen/rappellijst",
    "/zoeken?q=innovatie",
    "/toegankelijkheid",
    "/programmas/bestaat-niet",
]


def text_of(response):
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode())))


def in_language(language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_to_the_statement_in_its_footer(memo, path):
    for language, label in (("nl", "Toegankelijkheid"), ("en", "Accessibility")):
        response = in_language(language).get(path)
        assert response.status_code in (200, 404)
        footer = re.search(r"<footer\b.*?</footer>", response.content.decode(), re.S)
        assert footer, path
        link = rf'<a href="/toegankelijkheid"[^>]*>{label}</a>'
        assert re.search(link, footer.group()), (path, language)


def test_the_statement_follows_the_model_statement_in_dutch(client, memo):
    response = client.get("/toegankelijkheid")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="nl" ' in content
    assert content.count("<h1>") == 1
    headings = re.findall(r"<h2>(.*?)</h2>", content)
    assert headings == [
        "Nalevingsstatus",
        "Wat we testen",
        "Hoe we testen",
        "Bekende beperkingen",
        "Problemen melden",
    ]
    text = text_of(response)
    assert "Besluit digitale toegankelijkheid overheid" in text
    assert "WCAG) 2.1 op niveau AA" in text
    assert "WCAG 2.2 op niveau AA" in text
    assert "voldoet gedeeltelijk" in text
    assert "320 pixels" in text
    assert "Django" in text, "the admin is named as not covered"
    assert "OCR" in text, "the scanned source memo is named"
    assert f'href="mailto:{settings.ACCESSIBILITY_CONTACT_EMAIL}"' in content


def test_the_statement_in_english(memo):
    response = in_language("en").get("/toegankelijkheid")
    assert response.status_code == 200
    assert '<html lang="en" ' in response.content.decode()
    text = text_of(response)
    assert "Accessibility statement" in text
    assert "Known limitations" in text


def test_the_tool_versions_come_from_the_files_that_pin_them(client, memo):
    lock = json.loads((BASE / "package-lock.json").read_text(encoding="utf-8"))
    axe = lock["packages"]["node_modules/axe-core"]["version"]
    playwright = re.search(
        r"^playwright==(\S+)", (BASE / "requirements-dev.txt").read_text(encoding="utf-8"), re.M
    ).group(1)
    assert tool_versions() == {"axe_core": axe, "playwright": playwright}
    installed = BASE / "node_modules" / "axe-core" / "package.json"
    if installed.exists():
        assert json.loads(installed.read_text(encoding="utf-8"))["version"] == axe
    text = text_of(client.get("/toegankelijkheid"))
    assert f"axe-core (versie {axe})" in text
    assert f"Playwright (versie {playwright})" in text


def test_without_the_pin_files_the_statement_names_no_version(client, memo, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    tool_versions.cache_clear()
    try:
        response = client.get("/toegankelijkheid")
    finally:
        tool_versions.cache_clear()
    assert response.status_code == 200
    text = text_of(response)
    assert "axe-core op alle regels" in text
    assert "versie" not in text

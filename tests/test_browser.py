"""Accessibility in a real browser: Debian's Chromium, driven by Playwright, against the live
server with the memo loaded.

The pages are not listed here: a crawl from the start page follows every internal link and
groups the pages by their URL name, so a page someone adds later is tested as soon as it is
linked. Each page type is then checked once in Dutch and once in English: axe-core on WCAG
2.0, 2.1 and 2.2 A and AA (zero findings allowed) at 1280 and at 375 px, one h1, tables with a
caption and header cells, reflow at 320 px, print; in Dutch also the whole keyboard order with
a visible focus.

Needs /usr/bin/chromium (apt-get install chromium) and node_modules/axe-core (npm ci). Without
them the tests skip, unless REQUIRE_BROWSER=1 (as in CI): then they fail.
"""

import re
import urllib.error
import urllib.request
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from common.tables import PER_PAGE
from website.views import AXE_TAGS

from .browsers import AXE
from .factories import CommitmentFactory

pytestmark = pytest.mark.usefixtures("browser_requirements")

# Pages no link leads to: search results, a reminder list with rows, the 404 page.
SEEDS = [
    "/",
    "/zoeken?q=innovatie",
    "/toezeggingen/rappellijst?datum=2016-01-01",
    "/programmas/bestaat-niet",
]
NOT_FOUND = "/programmas/bestaat-niet"
# Not crawled as pages: the admin, the API (status only), feeds, downloads, the language switch.
NOT_PAGES = re.compile(r"^/(admin/|api/|i18n/|static/)|\.(atom|ics|json|csv|xlsx)$")
DOWNLOAD_FORMATS = {"csv", "xlsx", "json"}
# Page types the crawl must find, so a broken crawl cannot pass by testing nothing.
EXPECTED_TYPES = {
    "home",
    "document-detail",
    "program-list",
    "program-detail",
    "organisation-detail",
    "commitment-list",
    "commitment-detail",
    "reminder-list",
    "search",
    "accessibility",
    "404",
}
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def page(browser):
    """One page for the whole file; the site's CSP forbids the injected axe script."""
    context = browser.new_context(bypass_csp=True, viewport=VIEWPORT, locale="nl-NL")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def site(memo_site):
    """The memo on the live server, with an open, overdue commitment and a page more."""
    # The memo's three commitments are all fulfilled: an open, overdue one lets the filter
    # narrow the register and puts a row on the reminder list.
    CommitmentFactory(number="5150", title="Reshoring bevorderen", deadline="medio 2015")
    # More than a page of them: the register shows its page navigation.
    CommitmentFactory.create_batch(PER_PAGE, title="Nog zonder termijn")
    return memo_site


# The crawl


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("a", "link") and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        if tag == "form" and attributes.get("action") and attributes.get("method", "get") == "get":
            self.hrefs.append(attributes["action"])


def fetch(url, language="nl"):
    cookie = f"{settings.LANGUAGE_COOKIE_NAME}={language}"
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def page_type(path_and_query):
    """The URL name, with "?" for a page with a query string (a filtered list)."""
    split = urlsplit(path_and_query)
    name = resolve(split.path).url_name
    return f"{name}?" if split.query else name


class Crawl:
    def __init__(self, base):
        self.base = base
        self.types = {}  # page type -> first path found
        self.statuses = {}  # internal link -> HTTP status
        self.found_on = {}  # internal link -> a page that links to it

    def run(self, limit=1000, variants=10):
        """Visit every page and fetch every other internal link for its status.

        Of the query variants of a path (filters, sorting, which combine without end) the
        first `variants` are read for links; the rest are only fetched for their status.
        """
        queue = deque(SEEDS)
        self.found_on.update(dict.fromkeys(SEEDS, "(seed)"))
        visited = set()
        read = Counter()
        while queue:
            path = queue.popleft()
            if path in visited:
                continue
            visited.add(path)
            assert len(visited) <= limit, f"more than {limit} pages: raise the limit"
            status, content_type, body = fetch(self.base + path)
            self.statuses[path] = status
            if content_type != "text/html":
                continue
            if "?" in path:
                read[urlsplit(path).path] += 1
                if read[urlsplit(path).path] > variants:
                    continue
            if status == 404:
                self.types.setdefault("404", path)
            elif status < 400:
                self.types.setdefault(page_type(path), path)
            parser = Links()
            parser.feed(body.decode())
            for href in parser.hrefs:
                link = self.internal(path, href)
                if link is None:
                    continue
                self.found_on.setdefault(link, path)
                if self.is_page(link):
                    queue.append(link)
                elif link not in self.statuses:
                    self.statuses[link] = fetch(self.base + link)[0]
        return self

    def internal(self, current, href):
        url = urljoin(self.base + current, href)
        split = urlsplit(url)
        if f"{split.scheme}://{split.netloc}" != self.base or href.startswith("mailto:"):
            return None
        return split.path + (f"?{split.query}" if split.query else "")

    @staticmethod
    def is_page(link):
        split = urlsplit(link)
        query = dict(parse_qsl(split.query))
        if NOT_PAGES.search(split.path) or query.get("format") in DOWNLOAD_FORMATS:
            return False
        try:
            resolve(split.path)
        except Resolver404:
            return False  # still checked: its status is 404
        return True


_crawls = {}


@pytest.fixture
def crawl(site):
    """The crawl, once per file: the live server and the memo's slugs stay the same."""
    if site not in _crawls:
        _crawls[site] = Crawl(site).run()
    return _crawls[site]


def page_types(crawl):
    return sorted(crawl.types.items())


def open_page(page, base, path, language):
    page.context.clear_cookies()
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}
    page.context.add_cookies([cookie])
    page.set_viewport_size(VIEWPORT)
    page.emulate_media(media="screen")
    response = page.goto(base + path)
    expected = 404 if path == NOT_FOUND else 200
    assert response.status == expected, f"{path}: {response.status}"
    assert page.get_attribute("html", "lang") == language, path


# Links


def test_the_crawl_finds_every_page_type_and_every_internal_link_resolves(crawl):
    found = {name.rstrip("?") for name in crawl.types}
    assert found >= EXPECTED_TYPES, sorted(crawl.types)
    assert "commitment-list?" in crawl.types, "a filtered commitment list"
    broken = [
        f"{link} ({status}), linked from {crawl.found_on.get(link)}"
        for link, status in sorted(crawl.statuses.items())
        if status >= 400 and link != NOT_FOUND
    ]
    assert broken == []
    assert any(link.startswith("/api/") for link in crawl.statuses), "API links are checked"


# axe-core and the page structure


AXE_OPTIONS = {"runOnly": {"type": "tag", "values": list(AXE_TAGS)}, "resultTypes": ["violations"]}


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}: "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results["violations"]
    ]


STRUCTURE = """() => {
  const problems = [];
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  document.querySelectorAll('table').forEach((table, index) => {
    const caption = table.querySelector(':scope > caption');
    if (!caption || !caption.textContent.trim()) problems.push(`table ${index + 1} has no caption`);
    if (!table.querySelector('th')) problems.push(`table ${index + 1} has no th`);
  });
  return problems;
}"""


def page_problems(page):
    """axe-core's findings and the structure checks at 1280 px, axe again at 375 px (tables
    stacked, labels shortened), then reflow at 320 px and print."""
    problems = page.evaluate(STRUCTURE) + axe_violations(page)
    page.set_viewport_size({"width": 375, "height": 800})
    problems += [f"at 375 px: {finding}" for finding in axe_violations(page)]
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > 320:
        problems.append(f"{width} px wide at 320 px: {page.evaluate(WIDEST)}")
    page.emulate_media(media="print")
    if page.locator("nav").first.is_visible() or not page.locator("main").is_visible():
        problems.append("print shows the menu or hides the content")
    return problems


def test_axe_finds_a_known_violation(page):
    """The detector is looking: an image without alt text on a page without a language."""
    page.set_content('<html><body><main><img src="x.png"></main></body></html>')
    found = " ".join(axe_violations(page))
    assert "image-alt (critical)" in found
    assert "html-has-lang" in found


def test_every_page_type_in_both_languages_passes_axe_reflows_and_prints(page, site, crawl):
    """axe-core: zero violations. One h1, captioned tables with th, 320 px, print."""
    findings = []
    for language in ("nl", "en"):
        for name, path in page_types(crawl):
            open_page(page, site, path, language)
            findings += [f"{name} {path} [{language}]: {p}" for p in page_problems(page)]
    assert findings == [], "\n" + "\n".join(findings)


# The elements that stick out at 320 px, to say what to fix.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible'
    || el.getBoundingClientRect().right > 320
    && ![...el.children].some(child => child.getBoundingClientRect().right > 320))
  .slice(0, 5).map(el => el.outerHTML.slice(0, 80))"""


# Keyboard


FOCUSABLE = """() => {
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, '
    + 'iframe, [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';
  // checkVisibility: also hidden inside a closed <details>, which keeps its boxes.
  const visible = el => el.getClientRects().length > 0 && el.checkVisibility()
    && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[inert]');
  const all = [...document.querySelectorAll(selector)].filter(el => !el.disabled && visible(el));
  all.forEach((el, index) => { el.dataset.a11yIndex = index; });
  return all.map(el => ({
    html: el.outerHTML.slice(0, 120),
    tabindex: el.getAttribute('tabindex'),
  }));
}"""

FOCUS_STYLE = """el => {
  const style = getComputedStyle(el);
  const props = ['outline-style', 'outline-width', 'outline-color', 'outline-offset',
    'box-shadow', 'border-top-color', 'border-bottom-color', 'border-bottom-width',
    'border-top-width', 'background-color', 'color', 'text-decoration-line',
    'text-decoration-thickness'];
  return Object.fromEntries(props.map(p => [p, style.getPropertyValue(p)]));
}"""

ACTIVE = """() => {
  const el = document.activeElement;
  const style = (FOCUS_STYLE)(el);
  const rect = el.getBoundingClientRect();
  const onScreen = rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0
    && rect.left < innerWidth && rect.top < innerHeight;
  return {index: el.dataset.a11yIndex ?? null, html: el.outerHTML.slice(0, 120), onScreen, style};
}""".replace("FOCUS_STYLE", FOCUS_STYLE)


def visible_indicator(unfocused, focused):
    """True when focusing changes what you see: an outline appears, or a shadow, border,
    background, colour or underline changes (an outline that is always there does not count)."""
    changed = {key for key in focused if focused[key] != unfocused[key]}
    outline = {"outline-style", "outline-width", "outline-color", "outline-offset"}
    shown = focused["outline-style"] != "none" and not focused["outline-width"].startswith("0")
    return bool((shown and changed & outline) or changed - outline)


def keyboard_walk(page):
    """Tab through the page from the top; the problems found on the way."""
    problems = []
    focusable = page.evaluate(FOCUSABLE)
    positive = [item["html"] for item in focusable if int(item["tabindex"] or 0) > 0]
    if positive:
        problems.append(f"a positive tabindex changes the order: {positive}")
    elements = page.locator("[data-a11y-index]")
    unfocused = elements.evaluate_all(f"els => els.map({FOCUS_STYLE})")
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    order = []
    for _ in range(len(focusable)):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active["index"] is None:
            problems.append(
                f"Tab reached an element that is no link, button, field or element with a "
                f"tabindex (a scroll container?): {active['html']}"
            )
            break
        index = int(active["index"])
        order.append(index)
        if not visible_indicator(unfocused[index], active["style"]):
            problems.append(f"no visible focus indicator: {active['html']}")
        if not active["onScreen"]:
            problems.append(f"focused but not on screen: {active['html']}")
    if order != list(range(len(focusable))):
        missed = [focusable[i]["html"] for i in range(len(focusable)) if i not in order]
        problems.append(f"Tab order {order[:30]}... differs from the page order; missed: {missed}")
    if focusable and "skip-link" not in focusable[0]["html"]:
        problems.append(f"the first focusable element is not the skip link: {focusable[0]}")
    return problems


def test_the_keyboard_reaches_every_control_in_order_with_a_visible_focus(page, site, crawl):
    findings = []
    for name, path in page_types(crawl):
        open_page(page, site, path, "nl")
        findings += [f"{name} {path}: {problem}" for problem in keyboard_walk(page)]
    assert findings == [], "\n" + "\n".join(findings)


def test_the_skip_link_is_first_and_moves_the_focus_to_the_main_content(page, site):
    open_page(page, site, "/programmas/limburgmakers", "nl")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('skip-link')")
    assert page.evaluate("() => document.activeElement.getBoundingClientRect().left >= 0")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def tab_to(page, predicate, limit=200):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError(f"Tab never reached {predicate}")


def test_the_commitment_filter_works_with_the_keyboard(page, site):
    open_page(page, site, "/toezeggingen", "nl")
    rows = page.locator("main table tbody tr")
    before = rows.count()
    tab_to(page, "() => document.activeElement.name === 'status'")
    # Typing on a focused select picks the first option that starts with the letters.
    page.keyboard.type("voldaan")
    assert page.evaluate("() => document.activeElement.value") == "voldaan"
    tab_to(page, "() => !!document.activeElement.closest('form.filters [type=submit]')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "status=voldaan" in page.url
    after = rows.count()
    assert 0 < after < before
    statuses = page.locator("main table tbody tr td:nth-child(5)").all_inner_texts()
    assert set(statuses) == {"voldaan"}
    assert page.locator("select[name=status]").input_value() == "voldaan"


def test_the_language_switch_keeps_the_page(page, site):
    path = "/programmas/limburgmakers"
    open_page(page, site, path, "nl")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    assert "Programma's" in nav.inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert urlsplit(page.url).path == path
    assert page.get_attribute("html", "lang") == "en"
    nav = page.get_by_role("navigation", name="Main menu")
    assert "Programmes" in nav.inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Nederlands").click()
    assert urlsplit(page.url).path == path
    assert page.get_attribute("html", "lang") == "nl"
    assert "Programma's" in page.get_by_role("navigation", name="Hoofdmenu").inner_text()

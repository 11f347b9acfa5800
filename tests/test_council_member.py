"""A council member's errands, in a real browser (Debian's Chromium through Playwright, Dutch
locale, the site's own CSP in force): reach the memo from the start page, find a portfolio
holder's open and overdue commitments by name, read the annex and the register on a phone,
search "1886", print the whole rappellijst.

Needs what `tests/browsers.py` says; without it these skip, unless REQUIRE_BROWSER=1 (CI).
"""

from urllib.parse import parse_qs, urlsplit

import pytest

from common.tables import PER_PAGE

from .factories import CommitmentFactory, PersonFactory

DESKTOP = {"width": 1280, "height": 800}

pytestmark = pytest.mark.usefixtures("browser_requirements")


@pytest.fixture
def tab(browser):
    """A Dutch tab at 1280 × 800 that keeps the site's Content Security Policy."""
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    yield page
    context.close()
    assert errors == [], "the page logged errors (a CSP refusal shows here)"


def click(tab, name, role="link"):
    with tab.expect_navigation():
        tab.get_by_role(role, name=name, exact=True).first.click()


def test_the_memo_is_at_most_three_clicks_from_the_start_page(tab, memo_site):
    memo = "Een sterke maakindustrie in Limburg"
    tab.goto(memo_site + "/")
    click(tab, "Documenten")
    click(tab, memo)
    assert tab.locator("h1").inner_text().startswith(memo)
    # And straight from the start page's list of documents: one click.
    tab.goto(memo_site + "/")
    click(tab, memo)
    assert urlsplit(tab.url).path == "/documenten/sterke-maakindustrie-2015"


def test_a_portfolio_holders_open_overdue_commitments_are_found_by_name(tab, memo_site, settings):
    # More people than a select lists: the field takes a name and suggests while typing.
    settings.FILTER_CHOICES_LISTED_MAX = 2
    holder = PersonFactory(name="Hubert Mackus", role="gedeputeerde", party="CDA")
    other = PersonFactory(name="Carla Brugman", role="gedeputeerde")
    PersonFactory.create_batch(2)
    CommitmentFactory(title="Reshoring bevorderen", made_by=holder, deadline="2019")
    CommitmentFactory(title="Nog op tijd", made_by=holder, deadline="2099")
    CommitmentFactory(title="Van een ander", made_by=other, deadline="2019")

    tab.goto(memo_site + "/toezeggingen")
    field = tab.get_by_label("Portefeuillehouder")
    field.press_sequentially("mack", delay=30)
    suggestion = tab.locator("#id_portfolioHolder_suggesties option")
    suggestion.first.wait_for(state="attached")
    assert suggestion.evaluate_all("options => options.map(o => o.value)") == [
        "gedeputeerde Hubert Mackus (CDA)"
    ]
    field.fill("gedeputeerde Hubert Mackus (CDA)")
    tab.locator("select[name=status]").select_option("open")
    tab.locator("details.more-filters summary").click()
    tab.locator("select[name=overdue]").select_option("true")
    click(tab, "Toon", role="button")

    query = parse_qs(urlsplit(tab.url).query)
    assert query["portfolioHolder"] == [holder.slug]
    assert query["status"] == ["open"]
    titles = tab.locator("main table tbody tr td:nth-child(2)").all_inner_texts()
    assert titles == ["Reshoring bevorderen"]
    # The form shows the holder by name, ready to be sent again.
    assert field.input_value() == "gedeputeerde Hubert Mackus (CDA)"


PHONE = {"width": 375, "height": 800}

# Every cell, its box, whether the viewport holds it and whether its text is cut off.
CELLS_IN_VIEW = """selector => [...document.querySelectorAll(selector)].map(cell => {
  const box = cell.getBoundingClientRect();
  return {
    text: cell.innerText,
    inside: box.left >= 0 && box.right <= document.documentElement.clientWidth + 0.5,
    clipped: cell.scrollWidth > cell.clientWidth + 1,
    shown: cell.checkVisibility(),
    label: getComputedStyle(cell, '::before').content,
  };
})"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_every_amount_of_the_annex_reads_in_full_on_a_phone(phone, memo_site):
    phone.goto(memo_site + "/documenten/sterke-maakindustrie-2015")
    selector = "#tabel-bijlage tbody td:nth-child(3), #tabel-bijlage tfoot td"
    amounts = [cell for cell in phone.evaluate(CELLS_IN_VIEW, selector) if cell["shown"]]
    # 17 rows and the total: each amount, "PM" or "op kosten EU" in sight and whole.
    assert len(amounts) == 18
    assert all(cell["inside"] and not cell["clipped"] for cell in amounts), amounts
    assert {cell["label"] for cell in amounts} == {'"Provinciale bijdrage: "'}
    texts = [cell["text"] for cell in amounts]
    assert "€ 8,9 mln" in texts
    assert texts.count("PM") == 6
    assert texts[-1] == "€ 77,57 mln + 6 × PM"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_registers_deadline_status_and_signal_read_on_a_phone(phone, memo_site):
    CommitmentFactory(number="5150", title="Reshoring bevorderen", deadline="medio 2015")
    phone.goto(memo_site + "/toezeggingen")
    for column in (4, 5, 6):  # Termijn, Status, Signaal
        cells = phone.evaluate(CELLS_IN_VIEW, f"#tabel-toezeggingen tbody td:nth-child({column})")
        shown = [cell for cell in cells if cell["shown"]]
        assert shown, column
        assert all(cell["inside"] and not cell["clipped"] for cell in shown), shown
        assert all(cell["label"] != "none" for cell in shown), "each says its column"
    signal = phone.locator("#tabel-toezeggingen tbody tr", has_text="5150")
    assert "termijn verstreken" in signal.inner_text()


def test_chart_labels_fit_a_phone_and_are_whole_in_the_table(phone, memo_site):
    phone.goto(memo_site + "/")
    boxes = phone.evaluate(
        """() => [...document.querySelectorAll('svg.chart-svg')].flatMap(svg => {
          const right = svg.getBoundingClientRect().right;
          return [...svg.querySelectorAll('.chart-label')].filter(l => l.checkVisibility())
            .map(l => ({text: l.textContent, fits: l.getBoundingClientRect().right <= right + 1}));
        })"""
    )
    assert boxes and all(box["fits"] for box in boxes), [b for b in boxes if not b["fits"]]
    shortened = [box["text"] for box in boxes if box["text"].endswith("…")]
    assert shortened, "the memo has labels too long for a phone"
    tables = phone.locator("main table").all_inner_texts()
    for text in shortened:
        assert any(text[:-1] in table for table in tables)


def test_searching_1886_gives_toezegging_1886_first(tab, memo_site):
    tab.goto(memo_site + "/")
    tab.get_by_label("Zoeken").first.fill("1886")
    click(tab, "Zoek", role="button")
    first = tab.locator("main .search-results li a").first
    assert first.inner_text().startswith("Toezegging 1886")
    with tab.expect_navigation():
        first.click()
    assert urlsplit(tab.url).path == "/toezeggingen/toezegging-1886"


def test_the_whole_rappellijst_prints_with_every_row_its_total_and_date(tab, memo_site):
    for number in range(PER_PAGE + 12):
        CommitmentFactory(number=f"r{number}", title=f"Te rappelleren {number}", deadline="2020")
    tab.goto(memo_site + "/toezeggingen/rappellijst?datum=2030-01-01")
    with tab.expect_navigation():
        tab.get_by_role("link", name="Alles tonen / afdrukken").first.click()
    assert "tabel=rappellijst" in tab.url
    tab.emulate_media(media="print")
    rows = tab.locator("#tabel-rappellijst tbody tr")
    assert rows.count() == PER_PAGE + 12
    assert all(row.is_visible() for row in rows.all())
    main = tab.locator("main").inner_text()
    assert f"Totaal: {PER_PAGE + 12} rijen." in main
    assert "Stand op " in main
    assert tab.locator("h1").inner_text() == "Rappellijst: 1 januari 2030"
    assert not tab.locator("main form").count()
    pdf = tab.pdf()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type/Page") >= 1

"""The import as a civil servant sees it in Chromium, in Dutch at 1280 px: a Windows-1252 CSV
that changes a budget line's amount previews as "old → new" in the amount's column, within
the page's width, and is written once confirmed.

Needs /usr/bin/chromium and node_modules (see tests/browsers.py); skips without them.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from budgets.models import BudgetLine

from .admin_forms import admin_url

pytestmark = pytest.mark.usefixtures("browser_requirements")

MEMO = "sterke-maakindustrie-2015"


def logged_in_context(browser, base):
    """A Dutch browser at 1280 px with a Publicist's session (not the login form, whose steps
    are not what this file is about)."""
    user = get_user_model().objects.create_user("ambtenaar", is_staff=True)
    user.groups.add(Group.objects.get(name="Publicist"))
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    context.set_default_timeout(10_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return context


def test_a_civil_servant_previews_an_amount_as_old_to_new_and_confirms_it(
    browser, memo_site, tmp_path
):
    line = BudgetLine.objects.get_by_public_id(f"{MEMO}-1")
    rows = [
        ["id", "omschrijving", "programma", "soort bijdrage", "bedrag (euro)"],
        [f"{MEMO}-1", "Programma LimburgMakers (€, ë)", "limburgmakers", "bedrag", "4.000.000"],
    ]
    upload = tmp_path / "begrotingsposten.csv"
    upload.write_bytes("".join(";".join(row) + "\r\n" for row in rows).encode("cp1252"))
    context = logged_in_context(browser, memo_site)
    page = context.new_page()

    page.goto(memo_site + admin_url(BudgetLine, "import"))
    page.select_option("#id_format", label="csv")
    page.set_input_files("#id_import_file", str(upload))
    page.locator("form[enctype] input[type=submit]").click()

    # all_text_contents() does not wait: the preview must have loaded first.
    page.locator("table.import-preview").wait_for()
    headers = [text.strip() for text in page.locator("table.import-preview th").all_text_contents()]
    row = page.locator("table.import-preview tbody tr").first.locator("td")
    amount = row.nth(headers.index("bedrag (euro)"))
    assert amount.inner_text() == "8.900.000,00\u00a0→ 4.000.000,00"
    assert row.nth(headers.index("programma")).inner_text() == "limburgmakers"
    cells = page.locator("table.import-preview tbody tr td")
    assert "None" not in cells.all_inner_texts()
    assert page.locator("table.import-preview del, table.import-preview ins").count() == 0
    # The wide table scrolls in its own box; the page keeps its width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    page.locator("input[name=confirm]").click()

    assert "Import klaar: 0 nieuw, 1 bijgewerkt" in page.locator(".messagelist").inner_text()
    line.refresh_from_db()
    assert str(line.amount) == "4000000.00"
    assert line.label == "Programma LimburgMakers (€, ë)"
    context.close()

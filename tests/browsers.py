"""What the browser tests share: Debian's Chromium through Playwright, axe-core from npm, and
the memo on Django's live server. The fixtures are registered in `conftest.py`.

Without Chromium or axe-core the browser tests skip, unless REQUIRE_BROWSER=1 (as in CI):
then they fail.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def missing_requirement():
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install chromium chromium-driver"
    if not AXE.exists():
        return f"{AXE} is missing: run `npm ci` (make node_modules/.installed)"
    return None


@pytest.fixture(scope="module")
def browser_requirements():
    reason = missing_requirement()
    if reason and os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(browser_requirements, browser_type_launch_args):
    """One Chromium per test file: Debian's, never a downloaded one.

    Started here rather than with pytest-playwright's session-wide `browser`, so that its
    event loop is gone when the file is done: Django refuses database access while an event
    loop runs in the thread (which it does here; the live server has its own thread).
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        launched = playwright.chromium.launch(
            **{**browser_type_launch_args, "executable_path": str(CHROMIUM)}
        )
        yield launched
        launched.close()


@pytest.fixture
def memo_site(transactional_db, live_server, settings):
    """The memo on the live server (which needs committed data), with plain-HTTP cookies;
    its address."""
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_SECURE = False
    call_command("load_memo", verbosity=0)
    return live_server.url

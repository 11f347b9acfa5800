"""Site-wide pages that belong to no app: the accessibility statement."""

import json
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.shortcuts import render

# The WCAG success criteria the browser tests check, as axe-core names them.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")


@cache
def tool_versions():
    """The versions of the test tools, read from the files that pin them.

    axe-core from package-lock.json (what `npm ci` installs), Playwright from
    requirements-dev.txt. None when a file is missing, so the page never shows a guess.
    """
    base = Path(settings.BASE_DIR)
    versions = {"axe_core": None, "playwright": None}
    try:
        lock = json.loads((base / "package-lock.json").read_text(encoding="utf-8"))
        versions["axe_core"] = lock["packages"]["node_modules/axe-core"]["version"]
    except (OSError, ValueError, KeyError):
        pass
    try:
        pins = (base / "requirements-dev.txt").read_text(encoding="utf-8")
    except OSError:
        pins = ""
    match = re.search(r"^playwright==(\S+)", pins, re.M)
    if match:
        versions["playwright"] = match.group(1)
    return versions


def accessibility_statement(request):
    context = {
        **tool_versions(),
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
    }
    return render(request, "accessibility.html", context)

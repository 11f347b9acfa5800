from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Plumbing every app uses: API paging and problems, renderers, tables and exports, money
    and fuzzy-date formats, cached figures. It imports none of the apps."""

    name = "common"

    def ready(self):
        from . import caching  # noqa: F401  (every write marks the cached figures stale)

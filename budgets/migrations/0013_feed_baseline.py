"""Start the changes feed with every public record as `nieuw`: the feed is now kept as writes
are made (`programs.changes`), and a mirror of the previous feed reads the lists once again."""

from django.db import migrations
from django.utils import timezone

PUBLISHED = "published"
BATCH = 1000
# (feed type, app, model, lookups that must be published too, address fields, title fields)
FEED = [
    ("document", "programs", "Document", (), ("slug",), ("title",)),
    ("program", "programs", "Program", (), ("slug",), ("name",)),
    (
        "budget-line",
        "budgets",
        "BudgetLine",
        ("document", "program"),
        ("document__slug", "position"),
        ("label",),
    ),
    (
        "subsidy",
        "budgets",
        "Subsidy",
        ("instrument", "recipient"),
        ("slug",),
        ("recipient__name", "instrument__name"),
    ),
    ("commitment", "programs", "Commitment", (), ("kind", "number"), ("title",)),
    ("organisation", "programs", "Organisation", (), ("slug",), ("name",)),
    ("theme", "programs", "Theme", (), ("slug",), ("name",)),
    ("action", "programs", "Action", (), ("slug",), ("title",)),
    ("indicator", "programs", "Indicator", (), ("slug",), ("name",)),
]


def baseline(apps, schema_editor):
    change = apps.get_model("programs", "PublicChange")
    now = timezone.now()
    for type_name, app, name, via, key, title in FEED:
        public = {"publication_status": PUBLISHED}
        public |= {f"{path}__publication_status": PUBLISHED for path in via}
        records = apps.get_model(app, name)._base_manager.filter(**public).order_by("pk")
        rows = records.values_list("uuid", *key, *title)
        batch = []
        for uuid, *values in rows.iterator(chunk_size=BATCH):
            address = "-".join(str(value) for value in values[: len(key)])
            batch.append(
                change(
                    changed_at=now,
                    type=type_name,
                    record_uuid=uuid,
                    record_id=address,
                    title=": ".join(str(value) for value in values[len(key) :]),
                    action="nieuw",
                )
            )
            if len(batch) == BATCH:
                change.objects.bulk_create(batch)
                batch = []
        change.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0012_public_uuid_unique"),
        ("programs", "0013_public_changes"),
    ]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]

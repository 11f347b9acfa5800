"""Shared by both apps' migrations that give existing records their public id."""

import uuid

from django.db import models

BATCH = 1000


def fill_public_uuids(app_label):
    """A RunPython function: a new uuid for each record of `app_label`'s models, copied to the
    record's historical rows; the rows of a deleted record share one uuid of their own."""

    def fill(apps, schema_editor):
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical") or not hasattr(model, "uuid"):
                continue
            records = model._base_manager.filter(uuid__isnull=True).only("pk")
            batch = []
            for record in records.iterator(chunk_size=BATCH):
                record.uuid = uuid.uuid4()
                batch.append(record)
                if len(batch) == BATCH:
                    model._base_manager.bulk_update(batch, ["uuid"])
                    batch = []
            model._base_manager.bulk_update(batch, ["uuid"])
            history = apps.get_model(app_label, f"Historical{model.__name__}")
            current = model._base_manager.filter(pk=models.OuterRef("id")).values("uuid")[:1]
            history._base_manager.update(uuid=models.Subquery(current))
            gone = history._base_manager.filter(uuid__isnull=True)
            for record_id in gone.values_list("id", flat=True).distinct():
                gone.filter(id=record_id).update(uuid=uuid.uuid4())

    return fill

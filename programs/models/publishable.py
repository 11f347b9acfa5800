"""What every policy record shares: publishing (concept or published), history, the version
check and citations."""

import functools
import uuid
from operator import attrgetter

from django.db import models, router, transaction
from django.db.models.functions import Coalesce, JSONObject, RowNumber
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common import caching

from ..search import SearchQuerySet

# Every publishable model has a `publish` permission beside Django's four: who may publish,
# unpublish or change a published record (Publicist), as opposed to who edits concepts.
PUBLISHABLE_PERMISSIONS = ("add", "change", "delete", "view", "publish")


class PublicationStatus(models.TextChoices):
    CONCEPT = "concept", _("concept")
    PUBLISHED = "gepubliceerd", _("gepubliceerd")


def can_read_concepts(user, model=None):
    """Staff with the model's view permission read its concept records; everyone else reads
    published ones. Without a model: whether `user` is staff who may read any concepts."""
    if user is None or not user.is_active or not user.is_staff:
        return False
    if model is None:
        return True
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


@functools.cache
def published_via(model):
    """The lookups to related records that must be published for a `model` record to be public
    (its QuerySet's `published_via`), without building a QuerySet for every link shown."""
    return model._default_manager.get_queryset().published_via


class UntrackedWrite(TypeError):
    """A write that would bypass the history: every change must say who made it and why."""

    def __init__(self, model, method):
        super().__init__(
            f"{model._meta.label}.objects.{method} writes no history; save() each record, or "
            "use simple_history.utils.bulk_update_with_history(..., manager=Model._base_manager)"
        )


class PublishableQuerySet(SearchQuerySet):
    """Who sees what: editors see concept records, everyone else published ones only.

    Writes that bypass `save()` (`update()`, `bulk_update()`) are refused: they leave no history.
    """

    #: Lookups to related records that must be published too for this record to be public.
    published_via = ()

    def update(self, **kwargs):
        raise UntrackedWrite(self.model, "update()")

    def bulk_update(self, objs, fields, batch_size=None):
        raise UntrackedWrite(self.model, "bulk_update()")

    def published(self):
        condition = {"publication_status": PublicationStatus.PUBLISHED}
        for path in self.published_via:
            condition[f"{path}__publication_status"] = PublicationStatus.PUBLISHED
        return self.filter(**condition)

    def with_last_changed(self):
        """Annotate `last_changed`: the time of the record's latest history row (a subquery)."""
        history = self.model.history.model.objects.filter(id=models.OuterRef("pk"))
        latest = history.order_by("-history_date").values("history_date")[:1]
        return self.annotate(last_changed=models.Subquery(latest))

    def visible_to(self, user):
        """The records `user` may read: all for staff, published ones for anyone else."""
        if can_read_concepts(user, self.model):
            return self.all()
        return self.published()

    def formerly_at(self, address):
        """The record of this queryset that `address` named: a former slug or public id (the
        latest to have had it), or the record's `uuid`; None when there is none."""
        try:
            return self.filter(uuid=uuid.UUID(str(address))).first()
        except ValueError:
            pass
        lookup = self.model.former_address(str(address))
        if lookup is None:
            return None
        history = self.model.history.model._default_manager.filter(**lookup)
        latest = history.order_by("-history_date", "-history_id").values_list("id", flat=True)
        return self.filter(pk__in=latest[:1]).first()

    def cached(self, name, compute, *also):
        """`compute(self)`, kept in the cache until the data changes (`common.caching`); the
        key is this query's SQL and that of the querysets `also` the answer depends on."""
        return caching.cached_query(name, self, compute, *also)


def count_of(queryset, field, distinct=None):
    """An annotation: how many records of `queryset` have `field` equal to the outer record.

    A subquery, so several counts on one list neither multiply each other nor need a query per
    row; give `queryset` already limited by `visible_to` to count what the reader may see.
    `distinct` counts that field's different values instead (programs of an organisation's
    roles). 0 where there are none.
    """
    counted = models.Count(distinct, distinct=True) if distinct else models.Count("pk")
    rows = (
        queryset.filter(**{field: models.OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=counted)
        .values("count")
    )
    return Coalesce(models.Subquery(rows, output_field=models.IntegerField()), 0)


class BuiltinJSONObject(JSONObject):
    """Django's `JSONObject`, without asking SQLite first whether it has JSON functions: the
    question costs three queries on each new connection, and SQLite has them built in (3.38+)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return models.Func.as_sql(self, compiler, connection, **extra_context)


class JSONList(models.Subquery):
    """An annotation: the rows of `queryset` as one JSON array of objects with `fields` (names
    and expressions, as for `JSONObject`), in the queryset's order; [] where there are none.

    Filter `queryset` on an `OuterRef`: a list of small related records then costs no query
    of its own, where a prefetch costs one per list.
    """

    output_field = models.JSONField()

    def __init__(self, queryset, **fields):
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
        rows = queryset.order_by(*ordering).values(
            item=BuiltinJSONObject(**fields),
            # PostgreSQL promises no order to an aggregate over an ordered subquery: number it.
            position=models.Window(RowNumber(), order_by=ordering),
        )
        super().__init__(rows)

    def as_postgresql(self, compiler, connection):
        return self.as_sql(
            compiler,
            connection,
            template="(SELECT COALESCE(jsonb_agg(rows.item ORDER BY rows.position), '[]'::jsonb) "
            "FROM (%(subquery)s) rows)",
        )

    def as_sqlite(self, compiler, connection):
        # SQLite aggregates an ordered subquery in its order (it is not flattened into an
        # aggregate); `json()` keeps each object an object rather than a string.
        return self.as_sql(
            compiler,
            connection,
            template="(SELECT json_group_array(json(rows.item)) FROM (%(subquery)s) rows)",
        )


def linked_list(user, records, lookup, *names, **expressions):
    """A `JSONList` annotation: the `records` (a model, or a queryset for another order) whose
    `lookup` is the outer record, as far as `user` may see them, each an object of the fields
    `names` and of name=expression pairs. The links an API list shows, without a prefetch."""
    if isinstance(records, type):
        records = records.objects
    fields = {name: models.F(name) for name in names} | expressions
    return JSONList(records.visible_to(user).filter(**{lookup: models.OuterRef("pk")}), **fields)


class StaleRecord(Exception):
    """Someone saved the record after this copy of it was read: saving would lose their change."""

    def __init__(self, record, version):
        self.record, self.version = record, version
        super().__init__(
            f"{record._meta.label} {record.pk}: version {version} is no longer current"
        )


@functools.cache
def change_reason_limit(model):
    """How long a reason the model's history keeps (simple-history's column).

    Cached: simple-history builds a new manager class on every `model.history`.
    """
    return model.history.model._meta.get_field("history_change_reason").max_length


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Publishable(models.Model):
    """Every record has a publication state, a history from its first save, and a public id
    that never changes (`uuid`: in the API, every export, the feeds), whatever its slug."""

    uuid = models.UUIDField(_("vaste id"), default=uuid.uuid4, unique=True, editable=False)
    publication_status = models.CharField(
        _("publicatiestatus"),
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.CONCEPT,
        db_index=True,
    )
    version = models.PositiveIntegerField(
        _("versie"),
        default=1,
        editable=False,
        help_text=_("Telt elke opgeslagen wijziging; een verouderde versie wordt geweigerd."),
    )
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Save as the next version; refuse (`StaleRecord`) if someone saved in between."""
        if self.pk is None or kwargs.get("force_insert"):
            super().save(*args, **kwargs)
            self._loaded_version = self.version
            return
        model = type(self)
        expected = getattr(self, "_loaded_version", None)
        if expected is None:
            # Built by hand (a history revert, a script): continue from the stored version.
            expected = model._base_manager.filter(pk=self.pk).values_list("version", flat=True)
            expected = expected.first()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        using = kwargs.get("using") or router.db_for_write(model, instance=self)
        with transaction.atomic(using=using):
            if expected is not None:
                self._claim_version(expected, using)
            super().save(*args, **kwargs)
        self._loaded_version = self.version

    def _claim_version(self, expected, using):
        """Move the stored row from `expected` to the next version, or refuse: the test and the
        write are one UPDATE, which locks the row until the save commits, so of two saves of
        the same version exactly one claims it."""
        stored = type(self)._base_manager.using(using).filter(pk=self.pk)
        if stored.filter(version=expected).update(version=expected + 1):
            self.version = expected + 1
        elif stored.exists():
            self.version = expected
            raise StaleRecord(self, expected)

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        record._loaded_version = record.__dict__.get("version")
        return record

    @classmethod
    def former_address(cls, address):
        """The filter of historical rows that `address` (a slug or public id) names; None when
        it names none. Every record may have had a slug: see `SluggedRecord`."""
        return None

    @property
    def is_published(self):
        return self.publication_status == PublicationStatus.PUBLISHED

    @classmethod
    def may_publish(cls, user):
        """Publicists publish, unpublish and change published records; editors edit concepts."""
        return bool(user) and user.has_perm(f"{cls._meta.app_label}.publish_{cls._meta.model_name}")

    def is_visible_to(self, user):
        """The same rule as `PublishableQuerySet.visible_to`, for a record already loaded."""
        if can_read_concepts(user, type(self)):
            return True
        via = published_via(type(self))
        return self.is_published and all(
            attrgetter(path.replace("__", "."))(self).is_published for path in via
        )


class SluggedRecord(Publishable):
    """A publishable record known by its slug: in its page's address, the API and fixtures."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        abstract = True
        default_permissions = PUBLISHABLE_PERMISSIONS

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    @classmethod
    def former_address(cls, address):
        return {"slug": address}


class Cited(models.Model):
    """A fact that cites the document it comes from and the place in it."""

    source = models.ForeignKey(
        "programs.Document",
        verbose_name=_("bron"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_locator = models.CharField(
        _("vindplaats"),
        max_length=200,
        blank=True,
        help_text=_("Waar in de bron: paragraaf, kopje, bijlage en rij."),
    )

    class Meta:
        abstract = True

    def citation_for(self, user):
        """'Een sterke maakindustrie in Limburg, §2 LimburgMakers'; '' when uncited or hidden."""
        if not self.source_id or not self.source.is_visible_to(user):
            return ""
        return ", ".join(filter(None, [self.source.title, self.source_locator]))

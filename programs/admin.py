from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import connections, models, router, transaction
from django.db.models import F, Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.text import capfirst, slugify, smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import XLSX
from import_export.forms import ExportForm
from import_export.results import RowResult
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from common.exports import Source, csv_content, workbook_content
from common.formats import dutch_number
from common.fuzzydates import fuzzy_dates_of

from .forms import PublicationReasonForm, changed_since, edit_form
from .models import (
    Action,
    BudgetProgram,
    Commitment,
    CommitmentRelation,
    DeadlineChange,
    Document,
    Indicator,
    Meeting,
    Organisation,
    Person,
    Program,
    ProgramLine,
    ProgramOrganisation,
    PublicationStatus,
    Settlement,
    StaleRecord,
    Theme,
)
from .resources import CommitmentResource, OrganisationResource, ProgramResource
from .search import AnyOf, StoredColumn, TextContains
from .spreadsheets import (
    PreviewStorage,
    SpreadsheetCSV,
    SpreadsheetImportForm,
    SpreadsheetXLSX,
    UnreadableFile,
    template_response,
)

admin.site.site_header = _("Limburg maakindustrie: beheer")
admin.site.site_title = _("Maakindustrie beheer")
admin.site.index_title = _("Beleid, geld en toezeggingen")
# The lists need the width: at 1280 px the model menu beside them pushed columns off-screen.
# Every page links back to the overview, which lists the models.
admin.site.enable_nav_sidebar = False


class EditFormAdminMixin:
    """Fuzzy dates as one Dutch text box ('najaar 2015'); a stale version is refused."""

    edit_only_fields = ("seen_version", "change_reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form = edit_form(self.model, self.form)
        for fuzzy in fuzzy_dates_of(self.model):
            # Shown read-only, a fuzzy date is read from the admin's attribute of its name, so
            # it has its label and an empty one reads as the admin's "-", not "None".
            if not hasattr(self, fuzzy.name):
                setattr(self, fuzzy.name, self.read_only_date(fuzzy))

    def read_only_date(self, fuzzy):
        @admin.display(description=capfirst(fuzzy.verbose_name))
        def show(obj):
            value = getattr(obj, fuzzy.name)
            return self.get_empty_value_display() if value is None else value

        return show

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # A read-only page shows the record, not the editing aids.
            fields = [name for name in fields if name not in self.edit_only_fields]
        return fields


def fuzzy_column(name, description):
    """A sortable changelist column showing a fuzzy date the Dutch way."""

    @admin.display(description=description, ordering=f"{name}_date")
    def column(model_admin, obj):
        return getattr(obj, name) or "-"

    return column


class PublicationRightsMixin:
    """Without the publish permission the publication status is read-only (new records are
    concepts) and published records can be read but not changed or deleted: on their own page,
    in a bulk action (Django asks per record), and as inline rows (`PublishableInline`)."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.model.may_publish(request.user):
            fields.append("publication_status")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not self.model.may_publish(request.user):
            # The read-only state says who may change it, rather than leaving one to wonder;
            # lazy, so the publishers are looked up once, when the page shows the text.
            kwargs["help_texts"] = {
                **kwargs.get("help_texts", {}),
                "publication_status": lazy(who_may_publish, str)(self.model),
            }
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request, obj=None):
        if self._published_and_locked(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._published_and_locked(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def _published_and_locked(self, request, obj):
        # Inlines get the parent as `obj`: their own rows are locked by `PublishedRowsLocked`.
        published = isinstance(obj, self.model) and obj.is_published
        return published and not self.model.may_publish(request.user)


def who_may_publish(model):
    """'Alleen wie publiceren mag (de rol Publicist) ...: Anna de Vries, Bert.' for `model`."""
    users = get_user_model().objects.with_perm(
        f"{model._meta.app_label}.publish_{model._meta.model_name}",
        is_active=True,
        include_superusers=False,
        backend="django.contrib.auth.backends.ModelBackend",
    )
    names = [user.get_full_name() or user.get_username() for user in users.order_by("pk")[:5]]
    text = _(
        "Alleen wie mag publiceren (de rol Publicist) publiceert of depubliceert een record en "
        "wijzigt een gepubliceerd record. U kunt concepten maken en wijzigen."
    )
    if not names:
        return text
    who = _("Publiceren mogen: %(names)s.") % {"names": ", ".join(names)}
    return f"{text} {who}"


class PublishedRowsLocked(BaseInlineFormSet):
    """Inline rows judged by their own publication state, not their parent's: a published row
    is shown but not changed or deleted by someone who may not publish (its fields are disabled,
    so whatever is posted for them is ignored)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk is not None and form.instance.is_published:
            for field in form.fields.values():
                field.disabled = True


class PublishableInline(PublicationRightsMixin, EditFormAdminMixin):
    """An inline of publishable rows, each with its own version and publication rights."""

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        parent = self.admin_site.get_model_admin(self.parent_model)
        if obj is not None and not parent.has_change_permission(request, obj):
            # Rows of a page that cannot be changed are read-only too (Django's rule).
            fields = [name for name in fields if name not in self.edit_only_fields]
        return fields

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if self.model.may_publish(request.user):
            return formset
        return type(formset.__name__, (PublishedRowsLocked, formset), {})


class SlugListFilter(admin.SimpleListFilter):
    """A related record chosen by its slug, typed into a small form: a list of every one of
    thousands of documents or programs would be a sidebar of thousands of links."""

    template = "admin/slug_filter.html"
    #: The foreign key whose record's slug is looked for.
    field_name = None

    def lookups(self, request, model_admin):
        return ()

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.field_name}__slug": self.value()})
        return queryset

    def choices(self, changelist):
        """One choice: the slug typed, the other filters (kept by the form), and a link to
        remove this filter."""
        kept = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name != self.parameter_name
            for value in values
        ]
        yield {
            "value": self.value() or "",
            "hidden": kept,
            "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
        }


def slug_filter(field_name, title):
    """A `SlugListFilter` on `field_name`, in the URL as `?<field_name>=<slug>`."""
    attributes = {"field_name": field_name, "parameter_name": field_name, "title": title}
    return type(f"{field_name.title()}SlugFilter", (SlugListFilter,), attributes)


class ProgramLineListFilter(admin.RelatedFieldListFilter):
    """Program lines, named after their budget program too: both read in one query, not one
    query per line."""

    def field_choices(self, field, request, model_admin):
        lines = ProgramLine.objects.select_related("budget_program")
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            lines = lines.order_by(*ordering)
        return [(line.pk, str(line)) for line in lines]


def admin_search_terms(search_term):
    """The terms Django's admin search looks for, each in one of the search fields: words, or
    phrases in quotes."""
    for term in smart_split(search_term):
        if term.startswith(('"', "'")) and term[0] == term[-1]:
            term = unescape_string_literal(term)
        yield term


class StoredSearchAdminMixin:
    """The admin's search of a table that stores its search text (`SearchQuerySet.stored_search`)
    narrowed first, on PostgreSQL, by that text's trigram index.

    Django's search (`UPPER(field) LIKE` on each search field, ORed across joins) stays the
    condition, so the same records are found; on its own no index can serve it, so a common
    word read every budget line. Each term must now also occur in the stored
    text, or in a field it lacks: for a related record's field (a budget line's program name)
    the keys of the records matching it are looked up in this table's index.
    """

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not found.stored_search or connections[found.db].vendor != "postgresql":
            return found, may_have_duplicates
        stored = {field for field, _weight in found.search_fields}
        for term in admin_search_terms(search_term):
            found = found.filter(self._may_contain(term, stored))
        return found, may_have_duplicates

    def _may_contain(self, term, stored):
        condition = Q(TextContains(StoredColumn("search_text", models.TextField()), term))
        for lookup in self.search_fields:
            if lookup in stored:
                continue
            relation, _, field = lookup.partition("__")
            related = self.opts.get_field(relation)
            if related.many_to_one and field:
                records = related.related_model._base_manager
                matches = records.filter(**{f"{field}__icontains": term}).order_by().values("pk")
                condition |= Q(AnyOf(F(relation), ArraySubquery(matches)))
            else:
                condition |= Q(**{f"{lookup}__icontains": term})
        return condition


class BoundedChangeList(ChangeList):
    """Django's changelist, with a date hierarchy year too large for a number (`?start_date__
    year=99999999999999999999`: an OverflowError, which Django lets through as a 500) refused
    like any other impossible date: the admin's own "?e=1" answer."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class BoundedChangeListMixin:
    """A model admin whose changelist refuses impossible dates as `BoundedChangeList` does."""

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList


class LinksNotListedMixin:
    """A delete confirmation without the rows that link records of a many-to-many field."""

    def get_deleted_objects(self, objs, request):
        """What a delete takes along, without the links of many-to-many fields (a theme on
        an action): Django lists them as 'Action_themes object (1)', which says nothing, and
        the records on either side stay."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = {
            relation.remote_field.through._meta if relation.concrete else relation.through._meta
            for relation in self.opts.get_fields(include_hidden=True)
            if relation.many_to_many
        }
        links = {opts for opts in links if opts.auto_created}
        prefixes = tuple(f"{capfirst(opts.verbose_name)}: " for opts in links)
        plurals = {str(opts.verbose_name_plural) for opts in links}
        counts = {name: count for name, count in counts.items() if str(name) not in plurals}
        return without_links(deleted, prefixes), counts, perms_needed, protected


class DutchHistoryValues(HistoricalRecordContextHelper):
    """A history's changes as the admin shows values: a choice by its label (`gepubliceerd`),
    a number the Dutch way (`8.900.000`), nothing as nothing (not `None`)."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return ""
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(field, models.DecimalField):
            return dutch_number(value)
        return super().prepare_delta_change_value(change, value)


#: How many selected records the publication page lists by name.
FEW = 20


class PublishableAdmin(
    BoundedChangeListMixin,
    LinksNotListedMixin,
    PublicationRightsMixin,
    EditFormAdminMixin,
    SimpleHistoryAdmin,
):
    list_per_page = 50
    # A filtered list counts its own rows only, not the whole table's too.
    show_full_result_count = False
    change_list_template = "admin/publishable_change_list.html"
    actions = ["publish", "unpublish"]
    # Links typed without a scheme are https, as Django 6 will assume.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_formset(self, request, form, formset, change):
        # Inline rows are changed for the reason given on the record they belong to.
        reason = form.cleaned_data.get("change_reason") or ""
        for inline_form in formset.forms:
            inline_form.instance._change_reason = reason
        for deleted in formset.deleted_forms:
            deleted.instance._change_reason = reason
        super().save_formset(request, form, formset, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleRecord as stale:
            # The form's version check locks the rows it checks, so this is rare (a row another
            # form did not show); the transaction was rolled back, nothing was written.
            messages.error(request, changed_since(stale.record, stale.version))
            return redirect(request.get_full_path())

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if getattr(request, "reverting", False):
            return type(form.__name__, (form,), {"reason_always_required": True})
        return form

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A historic version, and a revert to it: a change like any other. It needs the right
        to change the record as it is now (or to add it again, when it was deleted), the right
        to publish when the record or the version is published, the version the editor saw,
        and a reason."""
        version = self.historic_version(object_id, version_id)
        record = self.get_object(request, object_id)
        may_revert = self.may_revert(request, record, version)
        if request.method == "POST" and not may_revert:
            raise PermissionDenied
        request.reverting = True
        title = (
            _("%(record)s terugzetten naar deze versie")
            if may_revert
            else _("Versie van %(record)s")
        )
        context = {
            **(extra_context or {}),
            "title": title % {"record": version.instance},
            "revert_disabled": not may_revert,
        }
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, context)

    def historic_version(self, object_id, version_id):
        """The history row `version_id` of record `object_id`; 404 for anything else."""
        try:
            history = self.model.history.filter(
                **{self.opts.pk.attname: unquote(object_id), "history_id": version_id}
            )
            version = history.first()
        except (ValueError, ValidationError):
            version = None
        if version is None:
            raise Http404(_("Deze versie bestaat niet."))
        return version

    def may_revert(self, request, record, version):
        if record is None:
            allowed = self.has_add_permission(request)
        else:
            allowed = self.has_change_permission(request, record)
        published = version.publication_status == PublicationStatus.PUBLISHED
        return allowed and (not published or self.model.may_publish(request.user))

    def render_change_form(self, request, context, *args, **kwargs):
        # "toezegging of motie wijzigen": Django puts the lower-case model name first.
        context["title"] = capfirst(context["title"])
        return super().render_change_form(request, context, *args, **kwargs)

    def get_historical_record_context_helper(self, request, historical_record):
        return DutchHistoryValues(self.model, historical_record)

    def has_publish_permission(self, request):
        return self.model.may_publish(request.user)

    @admin.action(
        description=_("Geselecteerde %(verbose_name_plural)s publiceren"), permissions=["publish"]
    )
    def publish(self, request, queryset):
        return self.change_publication(request, queryset, PublicationStatus.PUBLISHED)

    @admin.action(
        description=_("Geselecteerde %(verbose_name_plural)s depubliceren"),
        permissions=["publish"],
    )
    def unpublish(self, request, queryset):
        return self.change_publication(request, queryset, PublicationStatus.CONCEPT)

    def change_publication(self, request, queryset, status):
        """Publish or unpublish the selected records for one reason, asked first: each record
        is saved on its own, so each has its own history entry with that reason. All or none:
        a record changed meanwhile by someone else stops the whole batch."""
        form = PublicationReasonForm(
            request.POST if "reden" in request.POST else None, model=self.model
        )
        if not form.is_valid():
            return self.publication_page(request, queryset, status, form)
        changed = 0
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                for record in queryset.exclude(publication_status=status).order_by("pk"):
                    record.publication_status = status
                    record._change_reason = form.cleaned_data["reden"]
                    record.save()
                    changed += 1
        except StaleRecord as stale:
            messages.error(request, changed_since(stale.record, stale.version))
            return None
        unchanged = queryset.count() - changed
        names = self.opts.verbose_name if changed == 1 else self.opts.verbose_name_plural
        done = (
            _("%(count)s %(names)s gepubliceerd.")
            if status == PublicationStatus.PUBLISHED
            else _("%(count)s %(names)s gedepubliceerd.")
        ) % {"count": changed, "names": names}
        if unchanged:
            already = ngettext("%(count)s stond al zo.", "%(count)s stonden al zo.", unchanged) % {
                "count": unchanged
            }
            done = f"{done} {already}"
        messages.success(request, done)
        return None

    def publication_page(self, request, queryset, status, form):
        """The page that asks the reason for publishing or unpublishing the selection."""
        publishing = status == PublicationStatus.PUBLISHED
        names = self.opts.verbose_name_plural
        count = queryset.count()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": (_("%(names)s publiceren") if publishing else _("%(names)s depubliceren"))
            % {"names": capfirst(names)},
            "records": queryset.order_by("pk")[:FEW],
            "count": count,
            "more": max(count - FEW, 0),
            "form": form,
            "action": "publish" if publishing else "unpublish",
            "select_across": request.POST.get("select_across") == "1",
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "submit": _("Publiceren") if publishing else _("Depubliceren"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/publication_action.html", context)

    def delete_model(self, request, obj):
        obj._change_reason = _("Verwijderd in het beheer")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # One delete per record, so each leaves its own history entry.
        for obj in queryset:
            self.delete_model(request, obj)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_deleted"
        deleted = path("verwijderd/", self.admin_site.admin_view(self.deleted_view), name=name)
        return [deleted, *super().get_urls()]

    def deleted_view(self, request):
        """Deleted records, each with a link to its history, where it can be restored."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        pk_name = self.opts.pk.attname
        deletions = (
            self.model.history.filter(history_type="-")
            .exclude(**{f"{pk_name}__in": self.model._base_manager.values(pk_name)})
            .select_related("history_user")
            .order_by("-history_date")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Verwijderde %(name)s") % {"name": self.opts.verbose_name_plural},
            "deletions": deletions,
        }
        return TemplateResponse(request, "admin/deleted_records.html", context)

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), "publication_status"]


def without_links(deleted, prefixes):
    """`get_deleted_objects`'s nested list without the items starting with `prefixes`."""
    kept = []
    for item in deleted:
        if isinstance(item, list):
            item = without_links(item, prefixes)
            if item:
                kept.append(item)
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import and export as XLSX or CSV (django-import-export), with a template per model.

    The import shows a preview with every row's errors and writes nothing until confirmed;
    the confirmed import is written all or nothing. Importing needs the rights to add and
    change records; exporting, the right to view them.
    """

    # CSV in UTF-8 or Windows-1252, XLSX without formulas (see the two classes).
    import_formats = [SpreadsheetCSV, SpreadsheetXLSX]
    # Plain XLSX: the library writes number and date cells only for its own class.
    export_formats = [SpreadsheetCSV, XLSX]
    # The field-picking export form needs inline script, which the CSP forbids; an export
    # has all columns anyway, so that it imports back unchanged.
    export_form_class = ExportForm
    import_template_name = "admin/spreadsheet_import.html"
    # Between the preview and the confirmation the file waits in the shared cache, where every
    # app server finds it; the upload is limited to IMPORT_MAX_BYTES.
    tmp_storage_class = PreviewStorage
    import_form_class = SpreadsheetImportForm
    # The links are in publishable_change_list.html, beside the others.
    import_export_change_list_template = None
    # The export is written by `get_export_data`, by the CSV and XLSX conventions of every
    # download (`common.exports`): CSV in UTF-8 without byte order mark.
    to_encoding = "utf-8"

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_queryset(self, request):
        """The changelist's records as filtered; a filter the list does not know (`?x=1`) is
        a 400, as the changelist refuses it too (django-import-export let it through: a 500)."""
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as error:
            raise BadRequest(f"Unknown export filter: {error}") from None

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """The export as every CSV and XLSX of the project is written (`common.exports`):
        the cells in their own types (amounts as Decimal, whole numbers, a day as a date, a
        period as its Dutch words), so a CSV has `8900000.00` and ISO dates and an XLSX has
        number and date cells and a sheet `Bron`. The import reads either back unchanged.
        """
        if not self.has_export_permission(request):
            raise PermissionDenied
        kwargs.pop("encoding", None)
        data = self.get_data_for_export(request, queryset, force_native_type=True, **kwargs)
        rows = [list(row) for row in data]
        if file_format.get_extension() == "csv":
            return csv_content(data.headers, rows)
        name = capfirst(str(self.opts.verbose_name_plural))
        return workbook_content(name, data.headers, rows, source=self.export_source(request))

    def export_source(self, request):
        """The `Bron` of an export: the list in the admin with the filters the export used."""
        query = request.GET.copy()
        url = request.build_absolute_uri(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )
        if query:
            url = f"{url}?{query.urlencode()}"
        filters = [(key, value) for key, values in query.lists() for value in values]
        title = capfirst(str(self.opts.verbose_name_plural))
        return Source(url=url, title=title, filters=filters)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_template"
        view = self.admin_site.admin_view(self.import_template_view)
        return [path("import-sjabloon/", view, name=name), *super().get_urls()]

    def import_template_view(self, request):
        """The empty spreadsheet to fill in: XLSX (with an explanation sheet) or `?formaat=csv`."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        file_format = "csv" if request.GET.get("formaat") == "csv" else "xlsx"
        resource_class = self.get_import_resource_classes(request)[0]
        filename = f"sjabloon-{slugify(str(self.opts.verbose_name_plural))}"
        return template_response(resource_class, file_format, filename)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # All or nothing: one invalid row at the confirmation rolls back every row.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        """A file that cannot be read, in Dutch: the format's own reason (an encoding, a
        formula), or else the format chosen that does not fit the file."""
        if isinstance(e, UnreadableFile):
            message = str(e)
        else:
            message = _(
                "Dit bestand kan niet gelezen worden. Kies het formaat dat bij het bestand past "
                "(CSV of XLSX) en kies het bestand opnieuw."
            )
        form.add_error("import_file", message)

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            # Confirmed twice, or the preview expired (PreviewStorage).
            messages.error(
                request, _("Het bestand van deze import is er niet meer; kies het opnieuw.")
            )
            return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # A row can fail at the confirmation when the data changed since the preview; the
            # import was rolled back, so nothing was written.
            messages.error(request, _("Er is niets geïmporteerd; zie de fouten hieronder."))
            return self.import_page(request, result)
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            _("Import klaar: %(new)s nieuw, %(updated)s bijgewerkt, %(same)s ongewijzigd.")
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
                "same": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )

    def import_page(self, request, result):
        """The import page with a fresh form and the `result` of an import that failed."""
        form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )
        resource = self.get_import_resource_classes(request)[0]
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": _("Importeren"),
            "form": form,
            "opts": self.opts,
            "media": self.media + form.media,
            "fields_list": [
                (resource.get_display_name(), [c.column_name for c in resource.columns()])
            ],
            "import_error_display": self.import_error_display,
            "result": result,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def get_export_filename(self, request, queryset, file_format):
        name = slugify(str(self.opts.verbose_name_plural))
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"


class ProgramOrganisationInline(PublishableInline, admin.TabularInline):
    model = ProgramOrganisation
    extra = 0
    autocomplete_fields = ["organisation", "source"]
    fields = [
        "organisation",
        "role",
        "note",
        "publication_status",
        "source",
        "source_locator",
        "seen_version",
    ]


@admin.register(Document)
class DocumentAdmin(PublishableAdmin):
    list_display = ["title", "kind", "date_column", "issuer", "reference", "publication_status"]
    list_filter = ["kind"]
    search_fields = ["title", "slug", "reference", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["issuer"]
    date_hierarchy = "date_date"
    date_column = fuzzy_column("date", _("datum"))


@admin.register(Theme)
class ThemeAdmin(PublishableAdmin):
    list_display = ["name", "slug", "publication_status"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetAdminMixin, PublishableAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "abbreviation", "kind", "place", "parent", "publication_status"]
    list_filter = ["kind", "place"]
    search_fields = ["name", "abbreviation", "slug", "place"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "source"]
    # Optional, so Django's automatic select_related would leave it out: a query per row.
    list_select_related = ["parent"]


@admin.register(BudgetProgram)
class BudgetProgramAdmin(PublishableAdmin):
    list_display = ["name", "slug", "publication_status"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ProgramLine)
class ProgramLineAdmin(PublishableAdmin):
    list_display = ["name", "budget_program", "publication_status"]
    list_filter = ["budget_program"]
    search_fields = ["name", "slug", "budget_program__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["budget_program"]


@admin.register(Program)
class ProgramAdmin(SpreadsheetAdminMixin, PublishableAdmin):
    resource_classes = [ProgramResource]
    list_display = [
        "name",
        "kind",
        "parent",
        "status",
        "start_column",
        "end_column",
        "program_line",
        "publication_status",
    ]
    list_filter = ["kind", "status", ("program_line", ProgramLineListFilter), "themes"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "program_line", "source"]
    filter_horizontal = ["themes"]
    date_hierarchy = "start_date"
    list_select_related = ["parent", "program_line__budget_program"]
    inlines = [ProgramOrganisationInline]
    start_column = fuzzy_column("start", _("start"))
    end_column = fuzzy_column("end", _("einde"))


@admin.register(ProgramOrganisation)
class ProgramOrganisationAdmin(PublishableAdmin):
    list_display = ["organisation", "role", "program", "publication_status"]
    list_filter = ["role"]
    search_fields = ["organisation__name", "program__name", "note"]
    autocomplete_fields = ["program", "organisation", "source"]
    list_select_related = ["program", "organisation"]


@admin.register(Person)
class PersonAdmin(PublishableAdmin):
    list_display = ["name", "role", "party", "publication_status"]
    list_filter = ["role", "party"]
    search_fields = ["name", "party"]
    prepopulated_fields = {"slug": ["name"]}


def may_close(user):
    return Commitment.may_close(user)


class CommitmentFlagFilter(admin.SimpleListFilter):
    """Overdue, due soon, without deadline: the flags `with_flags()` computes."""

    title = _("signaal")
    parameter_name = "signaal"
    flags = {
        "verstreken": ("is_overdue", _("termijn verstreken")),
        "binnenkort": ("is_due_soon", _("termijn nadert")),
        "zonder-termijn": ("has_no_deadline", _("openstaand zonder termijn")),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (_field, label) in self.flags.items()]

    def queryset(self, request, queryset):
        if self.value() in self.flags:
            return queryset.filter(**{self.flags[self.value()][0]: True})
        return queryset


class DeadlineChangeInline(admin.TabularInline):
    model = DeadlineChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "old_term", "new_term", "reason", "changed_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Oude termijn"))
    def old_term(self, obj):
        return obj.old_label()

    @admin.display(description=_("Nieuwe termijn"))
    def new_term(self, obj):
        return obj.new_label()


class SettlementInline(PublishableInline, admin.StackedInline):
    model = Settlement
    extra = 0
    autocomplete_fields = ["proposal_document", "decided_at"]
    fields = [
        ("proposed_on", "proposed_status", "proposal_document"),
        "explanation",
        "remaining",
        ("decision", "decided_on", "decided_at"),
        "decision_note",
        "publication_status",
        "seen_version",
    ]
    decision_fields = ["decision", "decided_on", "decided_at", "decision_note"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not may_close(request.user):
            fields = [*fields, *self.decision_fields]
        return fields


class CommitmentRelationInline(PublishableInline, admin.TabularInline):
    model = CommitmentRelation
    fk_name = "commitment"
    extra = 0
    autocomplete_fields = ["related"]
    fields = ["kind", "related", "note", "publication_status", "seen_version"]


@admin.register(Commitment)
class CommitmentAdmin(SpreadsheetAdminMixin, PublishableAdmin):
    resource_classes = [CommitmentResource]
    # Fits 1280 px: the kind is in the name ("Motie 615"), the vote has its filter.
    list_display = [
        "__str__",
        "made_on_column",
        "deadline_column",
        "status",
        "made_by",
        "overdue",
        "publication_status",
    ]
    list_filter = [CommitmentFlagFilter, "kind", "status", "vote_outcome", "made_by", "themes"]
    search_fields = ["number", "title", "text", "agenda_item", "fulfilment", "remaining"]
    autocomplete_fields = ["made_by", "meeting", "fulfilled_by", "source"]
    filter_horizontal = ["submitters", "themes", "programs"]
    date_hierarchy = "made_on_date"
    list_select_related = ["made_by", "fulfilled_by"]
    inlines = [SettlementInline, CommitmentRelationInline, DeadlineChangeInline]
    made_on_column = fuzzy_column("made_on", _("datum"))

    @admin.display(description=_("termijn"), ordering="deadline_date")
    def deadline_column(self, obj):
        return obj.deadline_label()

    @admin.display(description=_("signaal"), ordering="is_overdue")
    def overdue(self, obj):
        # A warning, in words: a green tick would read as 'all right'.
        if obj.is_overdue:
            return format_html('<span class="overdue">⚠ {}</span>', _("termijn verstreken"))
        if obj.is_due_soon:
            return _("termijn nadert")
        return ""

    def get_queryset(self, request):
        return super().get_queryset(request).with_flags()

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not may_close(request.user):
            # Editors record and propose; closing is for those who may close (Publicist).
            fields = [*fields, *Commitment.CLOSING_FIELDS]
        return fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A settlement decided in this form settles the commitment, through the model's loop.
        for formset in formsets:
            if formset.model is not Settlement:
                continue
            decided = [(obj, ["decision"]) for obj in formset.new_objects]
            for settlement, changed in decided + formset.changed_objects:
                if "decision" in changed and settlement.decision == Settlement.Decision.ACCEPTED:
                    settlement.apply(user=request.user)


@admin.register(Meeting)
class MeetingAdmin(PublishableAdmin):
    list_display = ["body", "date", "title", "publication_status"]
    list_filter = ["body"]
    search_fields = ["body", "title", "slug"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["body", "date"]}


@admin.register(Action)
class ActionAdmin(PublishableAdmin):
    list_display = ["title", "owner", "due_column", "status", "program", "publication_status"]
    list_filter = ["status", "themes", "owner"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["owner", "program", "source"]
    filter_horizontal = ["themes", "commitments"]
    date_hierarchy = "due_date"
    list_select_related = ["owner", "program"]
    due_column = fuzzy_column("due", _("termijn"))


@admin.register(Indicator)
class IndicatorAdmin(PublishableAdmin):
    list_display = ["name", "display_value", "reference_column", "program", "publication_status"]
    list_filter = ["unit", "themes", "program"]
    search_fields = ["name", "slug", "sector"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["program", "source"]
    filter_horizontal = ["themes"]
    date_hierarchy = "reference_date"
    list_select_related = ["program"]
    reference_column = fuzzy_column("reference", _("peildatum"))

    @admin.display(description=_("waarde"), ordering="value")
    def display_value(self, obj):
        return obj.display_value

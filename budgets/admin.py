from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.formats import PRO_MEMORIE, exact_money, format_money
from programs.admin import (
    DocumentAdmin,
    ProgramAdmin,
    PublishableAdmin,
    PublishableInline,
    SpreadsheetAdminMixin,
    StoredSearchAdminMixin,
    fuzzy_column,
    slug_filter,
)
from programs.forms import MoneyFormField, MoneyInput
from programs.models import Document, Program

from .models import (
    BudgetLine,
    ContributionKind,
    Subsidy,
    document_overview,
    typed_contribution,
)
from .resources import BudgetLineResource, SubsidyResource
from .tables import annex_table


def money_column(field, description):
    @admin.display(description=description, ordering=field)
    def column(model_admin, obj):
        value = getattr(obj, field)
        return format_money(value) if value is not None else "-"

    return column


def money_fields(*, pm_allowed=False):
    """`formfield_overrides` for amounts as text read by `parse_money` (`8,9 mln`, `100000,50`),
    not number inputs; `pm_allowed` where `PM` may be typed (a budget line)."""
    options = {"form_class": MoneyFormField, "widget": MoneyInput, "pm_allowed": pm_allowed}
    return {models.DecimalField: options}


class AmountsSavedMixin:
    """Says which amounts a record was saved with (`€ 100.000,50 (€ 0,1 mln)`), so a misread
    amount shows at once, also without the preview's JavaScript: always for the record of the
    page, for inline rows when their amount changed."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.report_amounts(request, obj, form, form.fields)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        deleted = set(formset.deleted_forms)
        for inline_form in formset.forms:
            if inline_form not in deleted and inline_form.instance.pk is not None:
                self.report_amounts(
                    request, inline_form.instance, inline_form, inline_form.changed_data
                )

    def report_amounts(self, request, obj, form, names):
        amounts = [
            f"{str(form.fields[name].label).lower()} {saved_amount(obj, name)}"
            for name in names
            if isinstance(form.fields.get(name), MoneyFormField)
        ]
        if amounts:
            messages.info(
                request,
                _("'%(record)s' is opgeslagen met %(amounts)s.")
                % {"record": obj, "amounts": "; ".join(amounts)},
            )


def saved_amount(obj, name):
    """`€ 100.000,50 (€ 0,1 mln)`, `€ 1.234,56`, `PM` or `leeg`: field `name` as stored."""
    value = getattr(obj, name)
    if value is None:
        return "PM" if getattr(obj, "contribution_kind", None) == ContributionKind.PM else _("leeg")
    return exact_money(value, with_short=True)


class BudgetLineForm(forms.ModelForm):
    """`PM` typed as the amount makes the line a PM line."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") is not PRO_MEMORIE:
            return cleaned
        try:
            cleaned["contribution_kind"], cleaned["amount"] = typed_contribution(
                cleaned.get("contribution_kind"), cleaned.get("amount")
            )
        except ValidationError as error:
            self.add_error("amount", error)
        return cleaned


@admin.register(BudgetLine)
class BudgetLineAdmin(
    AmountsSavedMixin, StoredSearchAdminMixin, SpreadsheetAdminMixin, PublishableAdmin
):
    form = BudgetLineForm
    formfield_overrides = {**PublishableAdmin.formfield_overrides, **money_fields(pm_allowed=True)}
    resource_classes = [BudgetLineResource]
    # Fits 1280 px: the document and its row as one column.
    list_display = [
        "label",
        "program",
        "contribution",
        "funder",
        "annex_row",
        "publication_status",
    ]
    list_display_links = ["label"]
    list_filter = ["contribution_kind", "funder", slug_filter("document", _("document"))]
    search_fields = ["label", "program__name", "note"]
    autocomplete_fields = ["document", "program"]
    list_select_related = ["document", "program"]
    ordering = ["document", "position"]

    @admin.display(description=_("bijdrage"), ordering="amount")
    def contribution(self, obj):
        return obj.contribution_label

    @admin.display(description=_("vindplaats"), ordering="document")
    def annex_row(self, obj):
        return _("%(document)s, rij %(row)s") % {"document": obj.document, "row": obj.position}


@admin.register(Subsidy)
class SubsidyAdmin(
    AmountsSavedMixin, StoredSearchAdminMixin, SpreadsheetAdminMixin, PublishableAdmin
):
    formfield_overrides = {**PublishableAdmin.formfield_overrides, **money_fields()}
    resource_classes = [SubsidyResource]
    list_display = [
        "recipient",
        "instrument",
        "status",
        "granted",
        "settled",
        "volume",
        "leverage",
        "granted_on_column",
        "publication_status",
    ]
    list_filter = ["status", slug_filter("instrument", _("regeling"))]
    search_fields = ["slug", "recipient__name", "instrument__name", "description"]
    autocomplete_fields = ["instrument", "recipient", "source"]
    list_select_related = ["instrument", "recipient"]
    date_hierarchy = "granted_on_date"
    granted = money_column("granted_amount", _("verleend"))
    settled = money_column("settled_amount", _("vastgesteld"))
    volume = money_column("project_volume", _("projectvolume"))
    granted_on_column = fuzzy_column("granted_on", _("verleend op"))

    @admin.display(description=_("hefboom"))
    def leverage(self, obj):
        return obj.leverage or "-"


class BudgetLineInline(PublishableInline, admin.TabularInline):
    model = BudgetLine
    form = BudgetLineForm
    formfield_overrides = money_fields(pm_allowed=True)
    extra = 0
    autocomplete_fields = ["document"]
    fields = [
        "document",
        "position",
        "label",
        "contribution_kind",
        "amount",
        "funder",
        "publication_status",
        "seen_version",
    ]


class SubsidyInline(PublishableInline, admin.TabularInline):
    model = Subsidy
    formfield_overrides = money_fields()
    fk_name = "instrument"
    extra = 0
    autocomplete_fields = ["recipient"]
    fields = [
        "slug",
        "recipient",
        "status",
        "granted_amount",
        "settled_amount",
        "project_volume",
        "publication_status",
        "seen_version",
    ]


# Budget lines and subsidies are edited on their program, and a document shows its annex;
# budgets may extend the programs admin, never the reverse.
admin.site.unregister(Program)
admin.site.unregister(Document)


@admin.register(Program)
class ProgramWithMoneyAdmin(AmountsSavedMixin, ProgramAdmin):
    inlines = [*ProgramAdmin.inlines, BudgetLineInline, SubsidyInline]


@admin.register(Document)
class DocumentWithAnnexAdmin(DocumentAdmin):
    change_form_template = "admin/budgets/document_change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        document = self.get_object(request, object_id)
        if document is not None:
            overview = document_overview(document, request.user)
            extra_context = {
                **(extra_context or {}),
                "overview": overview,
                "annex": annex_table(overview, request.user),
            }
        return super().change_view(request, object_id, form_url, extra_context)

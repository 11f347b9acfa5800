from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.formats import format_money
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
from programs.models import Document, Program

from .models import BudgetLine, Subsidy, document_overview
from .resources import BudgetLineResource, SubsidyResource
from .tables import annex_table


def money_column(field, description):
    @admin.display(description=description, ordering=field)
    def column(model_admin, obj):
        value = getattr(obj, field)
        return format_money(value) if value is not None else "-"

    return column


@admin.register(BudgetLine)
class BudgetLineAdmin(StoredSearchAdminMixin, SpreadsheetAdminMixin, PublishableAdmin):
    resource_classes = [BudgetLineResource]
    list_display = [
        "document",
        "position",
        "label",
        "program",
        "contribution",
        "funder",
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


@admin.register(Subsidy)
class SubsidyAdmin(StoredSearchAdminMixin, SpreadsheetAdminMixin, PublishableAdmin):
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
class ProgramWithMoneyAdmin(ProgramAdmin):
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

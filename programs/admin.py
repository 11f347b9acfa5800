from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .forms import fuzzy_date_form
from .models import (
    Action,
    BudgetProgram,
    Commitment,
    Document,
    Indicator,
    Organisation,
    Person,
    Program,
    ProgramLine,
    ProgramOrganisation,
    Theme,
)

admin.site.site_header = _("Limburg maakindustrie: beheer")
admin.site.site_title = _("Maakindustrie beheer")
admin.site.index_title = _("Beleid, geld en toezeggingen")


class FuzzyDateAdminMixin:
    """Edit each fuzzy date of the model as one Dutch text box ('najaar 2015')."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form = fuzzy_date_form(self.model, self.form)


def fuzzy_column(name, description):
    """A sortable changelist column showing a fuzzy date the Dutch way."""

    @admin.display(description=description, ordering=f"{name}_date")
    def column(model_admin, obj):
        return getattr(obj, name) or "-"

    return column


class PublishableAdmin(FuzzyDateAdminMixin, SimpleHistoryAdmin):
    list_per_page = 50
    # Links typed without a scheme are https, as Django 6 will assume.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), "publication_status"]


class ProgramOrganisationInline(FuzzyDateAdminMixin, admin.TabularInline):
    model = ProgramOrganisation
    extra = 0
    autocomplete_fields = ["organisation", "source"]
    fields = ["organisation", "role", "note", "publication_status", "source", "source_locator"]


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
class OrganisationAdmin(PublishableAdmin):
    list_display = ["name", "abbreviation", "kind", "place", "parent", "publication_status"]
    list_filter = ["kind", "place"]
    search_fields = ["name", "abbreviation", "slug", "place"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "source"]


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
class ProgramAdmin(PublishableAdmin):
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
    list_filter = ["kind", "status", "program_line", "themes"]
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


@admin.register(Commitment)
class CommitmentAdmin(PublishableAdmin):
    list_display = [
        "__str__",
        "kind",
        "made_on_column",
        "deadline_column",
        "status",
        "vote_outcome",
        "fulfilled_by",
        "publication_status",
    ]
    list_filter = ["kind", "status", "vote_outcome", "themes"]
    search_fields = ["number", "title", "text", "meeting", "fulfilment"]
    autocomplete_fields = ["made_by", "fulfilled_by", "source"]
    filter_horizontal = ["submitters", "themes", "programs"]
    date_hierarchy = "made_on_date"
    list_select_related = ["fulfilled_by"]
    made_on_column = fuzzy_column("made_on", _("datum"))
    deadline_column = fuzzy_column("deadline", _("termijn"))


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

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from common.formats import PRO_MEMORIE, MoneyError, exact_money, parse_money
from programs.admin import BoundedChangeListMixin, LinksNotListedMixin

from .models import ApiToken

# Groups: a delete lists the groups' members and rights, not 'Group_permissions object (2)'.
admin.site.unregister(Group)
admin.site.register(Group, type("GroupAdmin", (LinksNotListedMixin, GroupAdmin), {}))

# django-axes's lockout log, with its date hierarchy bounded as in the project's own lists.
for model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        model_admin = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(
            model, type(model_admin.__name__, (BoundedChangeListMixin, model_admin), {})
        )


# allauth's records. The identity provider is configured in the settings (no SocialApp), tokens
# are not stored and e-mail addresses not verified: those are not shown. A user's link to the
# identity provider and their second factors are shown to superusers, who may remove them (a
# lost phone: the user sets up TOTP again at the next sign-in), but neither make nor edit them.
for model in (SocialApp, SocialToken, EmailAddress):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class ReadAndRemoveOnlyMixin:
    """Records the sign-in makes: to be read and removed in the admin, never made or edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DutchAuthenticatorColumnsMixin:
    """allauth's authenticator list, with Dutch column names: its dates have no verbose name."""

    list_display = ["user", "type", "created", "last_used"]
    # Its date filters would be titled by the field names ("Op created at").
    list_filter = ["type"]

    @admin.display(description=_("Aangemaakt op"), ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description=_("Laatst gebruikt op"), ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at or self.get_empty_value_display()


for model, extra in ((SocialAccount, ()), (Authenticator, (DutchAuthenticatorColumnsMixin,))):
    if admin.site.is_registered(model):
        model_admin = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(
            model,
            type(
                model_admin.__name__,
                (BoundedChangeListMixin, ReadAndRemoveOnlyMixin, *extra, model_admin),
                {},
            ),
        )


@admin.register(ApiToken)
class ApiTokenAdmin(BoundedChangeListMixin, SimpleHistoryAdmin):
    """Issue and revoke API keys. A key is shown once, when it is made; only its digest is kept."""

    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "user"]
        return ["name", "user", "prefix", "created_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "prefix", "created_at", "revoked_at"]

    def save_model(self, request, obj, form, change):
        if change:
            obj._change_reason = _("Naam gewijzigd")
            super().save_model(request, obj, form, change)
            return
        key = obj.new_key()
        obj._change_reason = _("Uitgegeven")
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            _("De sleutel voor %(name)s, eenmalig getoond: %(key)s")
            % {"name": obj.name, "key": key},
            messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        # A revert would bring a revoked key back to life: a key's history is read-only.
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.action(description=_("Geselecteerde sleutels intrekken"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoked_at = timezone.now()
            token._change_reason = _("Ingetrokken")
            token.save()


@staff_member_required
def money_preview(request):
    """`?bedrag=100000,50` -> how the admin's amount fields read it: `{"amount": "€ 100.000,50
    (€ 0,1 mln)"}`, or `{"error": "..."}` saying how to write it. The preview beside an amount
    field (`js/money.js`) asks this, so it shows what will be saved, by the parser that saves it."""
    try:
        amount = parse_money(request.GET.get("bedrag", ""))
    except MoneyError as error:
        return JsonResponse({"error": str(error)})
    if amount is None:
        return JsonResponse({"amount": ""})
    if amount is PRO_MEMORIE:
        return JsonResponse({"amount": "PM"})
    return JsonResponse({"amount": exact_money(amount, with_short=True)})

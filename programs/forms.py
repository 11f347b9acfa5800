"""Forms: fuzzy dates as one Dutch text box ('medio 2016'), edits that lose no one's update."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import router, transaction
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from common.formats import PRO_MEMORIE, MoneyError, dutch_number, parse_money
from common.fuzzydates import FuzzyDate, check_year, fuzzy_dates_of

from .models import change_reason_limit


class FuzzyDateFormField(forms.CharField):
    # No placeholder: a grey "medio 2016" in an empty field reads like a value. The help text
    # gives the examples.
    def __init__(self, *, required=False, **kwargs):
        super().__init__(required=required, **kwargs)

    def prepare_value(self, value):
        return str(value) if isinstance(value, FuzzyDate) else value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            value = FuzzyDate.parse(text)
        except ValueError:
            raise ValidationError(
                _("Onbekende datum of periode '%(text)s'. Bijvoorbeeld: 'medio 2016'."),
                code="invalid",
                params={"text": text},
            ) from None
        check_year(value)
        return value

    def has_changed(self, initial, data):
        initial = initial if isinstance(initial, FuzzyDate) else None
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


class MoneyInput(forms.TextInput):
    """A text box for an amount, with the amount as read shown beside it while typing
    (`js/money.js` asks the server's parser, so the preview is what will be saved)."""

    class Media:
        js = [forms.Script("js/money.js", defer=True)]

    def __init__(self, attrs=None):
        attrs = {"inputmode": "decimal", "autocomplete": "off", "size": 16, **(attrs or {})}
        super().__init__(attrs)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "data-money-preview": reverse_lazy("money-preview")}
        field = super().render(name, value, attrs, renderer)
        output_id = f"{attrs.get('id') or name}_gelezen"
        return format_html(
            '{}<output id="{}" class="money-preview" aria-live="polite"></output>',
            field,
            output_id,
        )


class MoneyFormField(forms.DecimalField):
    """An amount typed the Dutch way or plainly (`8,9 mln`, `8.900.000`, `100000,50`,
    `€ 1.234,56`), read by `parse_money`, the import's parser too. `PM` is `PRO_MEMORIE` where
    `pm_allowed`; anything that could mean two amounts is refused with how to write it."""

    # A text box, not a number input: Chromium's drops a Dutch decimal comma (`100000,50`).
    widget = MoneyInput

    def __init__(self, *, pm_allowed=False, **kwargs):
        self.pm_allowed = pm_allowed
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        # Only the model's bounds: a localized number check would refuse what parse_money reads.
        kwargs.pop("localize", None)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if value is PRO_MEMORIE:
            return "PM"
        if value in self.empty_values or isinstance(value, str):
            return value
        # Dutch in every language: what the parser reads back unchanged.
        value = Decimal(value)
        return dutch_number(value, 0 if value == value.to_integral() else 2)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_money(value, pm_allowed=self.pm_allowed)
        except MoneyError as error:
            raise ValidationError(str(error), code="invalid") from None

    def validate(self, value):
        if value is PRO_MEMORIE:
            return
        super().validate(value)

    def run_validators(self, value):
        if value is PRO_MEMORIE:
            return
        super().run_validators(value)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


class EditModelForm(forms.ModelForm):
    """The admin's edit form: fuzzy dates as Dutch text, and no lost updates.

    `seen_version` carries the version the editor opened; a save of an older version, or of
    a form that does not say which version it saw, is refused with what changed meanwhile. The
    check locks the stored row until the save's transaction ends, so no other save can come in
    between; the UPDATE repeats the version test all the same.
    """

    #: A revert needs a reason even when the form's fields are what the version held.
    reason_always_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.declared_fields:
            if not self._wants(name):
                # Declared fields are always on a ModelForm; one the form does not show must
                # not clear a stored date or demand a reason nobody can give.
                self.fields.pop(name, None)
        for fuzzy in fuzzy_dates_of(self._meta.model):
            if fuzzy.name in self.fields and fuzzy.name not in self.initial:
                self.initial[fuzzy.name] = getattr(self.instance, fuzzy.name)
        if "seen_version" in self.fields and self.instance.pk:
            self.initial.setdefault("seen_version", self._stored_version())

    def _stored_version(self, lock=False):
        # From the database, not the instance: a history revert edits an old copy.
        model = type(self.instance)
        stored = model._base_manager.filter(pk=self.instance.pk)
        if lock:
            stored = stored.select_for_update()
        return stored.values_list("version", flat=True).first()

    def _wants(self, name):
        fields, exclude = self._meta.fields, self._meta.exclude or ()
        if fields not in (None, forms.ALL_FIELDS) and name not in fields:
            return False
        return name not in exclude

    def clean(self):
        cleaned = super().clean()
        reason = (cleaned.get("change_reason") or "").strip()
        changed = self.has_changed() or self.reason_always_required
        if "change_reason" in self.fields and self.instance.pk and changed and not reason:
            self.add_error(
                "change_reason", _("Zeg waarom u dit wijzigt; het komt in de geschiedenis.")
            )
        self._check_version(cleaned.get("seen_version"))
        return cleaned

    def _check_version(self, seen):
        """Refuse the save unless the form saw the stored version (a deleted record, restored
        from its history, has none)."""
        if "seen_version" not in self.fields or self.instance.pk is None:
            return
        if "seen_version" in self.errors:
            return
        with transaction.atomic(using=router.db_for_write(type(self.instance))):
            stored = self._stored_version(lock=True)
        if stored is None:
            return
        if seen is None:
            raise ValidationError(
                _(
                    "Dit formulier zegt niet welke versie van het record u opende, dus het "
                    "kan een wijziging van een ander overschrijven. Open het record opnieuw."
                ),
                code="stale",
            )
        if seen != stored:
            raise ValidationError(changed_since(self.instance, seen), code="stale")

    def _post_clean(self):
        for fuzzy in fuzzy_dates_of(self._meta.model):
            if fuzzy.name in self.cleaned_data:
                setattr(self.instance, fuzzy.name, self.cleaned_data[fuzzy.name])
        if self.cleaned_data.get("seen_version") is not None:
            self.instance._loaded_version = self.cleaned_data["seen_version"]
        if "change_reason" in self.fields:
            default = _("Aangemaakt") if self.instance.pk is None else ""
            self.instance._change_reason = self.cleaned_data.get("change_reason") or default
        super()._post_clean()


def changed_since(record, seen_version):
    """'Gewijzigd door X op Y sinds u dit opende: naam: 'a' → 'b'; ...' from the history."""
    current = record.history.first()
    seen = record.history.filter(version=seen_version).first()
    if current is None or seen is None:
        return _("Dit record is gewijzigd sinds u het opende. Open het opnieuw.")
    changes = [
        f"{record._meta.get_field(change.field).verbose_name}: "
        f"'{change.old if change.old is not None else ''}' → "
        f"'{change.new if change.new is not None else ''}'"
        for change in current.diff_against(seen, excluded_fields=["version"]).changes
    ]
    return _(
        "%(who)s heeft dit record op %(when)s gewijzigd nadat u het opende: %(changes)s. "
        "Uw wijziging is niet opgeslagen; open het record opnieuw en breng haar daarna aan."
    ) % {
        "who": current.history_user or _("iemand"),
        "when": timezone.localtime(current.history_date).strftime("%d-%m-%Y %H:%M"),
        "changes": "; ".join(changes) or _("geen zichtbare velden"),
    }


def edit_form(model, base=forms.ModelForm):
    """A subclass of `base` with a text field per fuzzy date, `seen_version` for versioned
    models and `change_reason` for models with history."""
    declared = {
        fuzzy.name: FuzzyDateFormField(
            label=capfirst(fuzzy.verbose_name), help_text=fuzzy.help_text, required=not fuzzy.blank
        )
        for fuzzy in fuzzy_dates_of(model)
    }
    if any(field.name == "version" for field in model._meta.fields):
        declared["seen_version"] = forms.IntegerField(
            label=_("Geopende versie"), widget=forms.HiddenInput, required=False
        )
    if hasattr(model._meta, "simple_history_manager_attribute"):
        declared["change_reason"] = forms.CharField(
            label=_("Reden van de wijziging"),
            required=False,
            max_length=change_reason_limit(model),
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Verplicht bij een wijziging; komt met uw naam in de geschiedenis."),
        )
    if not declared:
        return base
    return type(f"{model.__name__}Form", (EditModelForm, base), declared)


class PublicationReasonForm(forms.Form):
    """The one reason for publishing or unpublishing a selection, for each record's history."""

    reden = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Komt met uw naam in de geschiedenis van elk record."),
    )

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        limit = change_reason_limit(model)
        self.fields["reden"].max_length = limit
        self.fields["reden"].validators.append(MaxLengthValidator(limit))
        self.fields["reden"].widget.attrs["maxlength"] = limit


class ReminderListForm(forms.Form):
    """Which rappellijst: for a meeting, or for a date (today when neither is given)."""

    vergadering = forms.ModelChoiceField(
        label=_("Vergadering"), queryset=None, to_field_name="slug", required=False
    )
    datum = forms.DateField(label=_("Datum"), required=False, help_text=_("JJJJ-MM-DD"))

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vergadering"].queryset = meetings

    def day(self):
        meeting = self.cleaned_data.get("vergadering")
        if meeting:
            return meeting.date
        return self.cleaned_data.get("datum") or timezone.localdate()

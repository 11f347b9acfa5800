"""Forms: a fuzzy date is edited as one text box that reads Dutch ('medio 2016')."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fuzzydates import FuzzyDate


class FuzzyDateFormField(forms.CharField):
    def __init__(self, *, required=False, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "medio 2016"}))
        super().__init__(required=required, **kwargs)

    def prepare_value(self, value):
        return str(value) if isinstance(value, FuzzyDate) else value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return FuzzyDate.parse(text)
        except ValueError:
            raise ValidationError(
                _("Onbekende datum of periode '%(text)s'. Bijvoorbeeld: 'medio 2016'."),
                code="invalid",
                params={"text": text},
            ) from None

    def has_changed(self, initial, data):
        initial = initial if isinstance(initial, FuzzyDate) else None
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


class FuzzyDateModelForm(forms.ModelForm):
    """Fills its fuzzy-date text fields from the instance and writes them back before validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for fuzzy in getattr(self._meta.model._meta, "fuzzy_dates", []):
            if not self._wants(fuzzy.name):
                # Declared fields are always on a ModelForm; one the form does not show must
                # not clear the stored date when the form is saved.
                self.fields.pop(fuzzy.name, None)
            elif fuzzy.name not in self.initial:
                self.initial[fuzzy.name] = getattr(self.instance, fuzzy.name)

    def _wants(self, name):
        fields, exclude = self._meta.fields, self._meta.exclude or ()
        if fields not in (None, forms.ALL_FIELDS) and name not in fields:
            return False
        return name not in exclude

    def _post_clean(self):
        for fuzzy in getattr(self._meta.model._meta, "fuzzy_dates", []):
            if fuzzy.name in self.cleaned_data:
                setattr(self.instance, fuzzy.name, self.cleaned_data[fuzzy.name])
        super()._post_clean()


def fuzzy_date_form(model, base=forms.ModelForm):
    """A subclass of `base` with one text field per fuzzy date of `model`."""
    fuzzy_dates = getattr(model._meta, "fuzzy_dates", [])
    if not fuzzy_dates:
        return base
    declared = {
        fuzzy.name: FuzzyDateFormField(
            label=fuzzy.verbose_name, help_text=fuzzy.help_text, required=not fuzzy.blank
        )
        for fuzzy in fuzzy_dates
    }
    return type(f"{model.__name__}Form", (FuzzyDateModelForm, base), declared)


class ReminderListForm(forms.Form):
    """Which rappellijst: for a meeting, or for a date (today when neither is given)."""

    vergadering = forms.ModelChoiceField(
        label=_("Vergadering"), queryset=None, to_field_name="slug", required=False
    )
    datum = forms.DateField(label=_("Datum"), required=False, help_text=_("JJJJ-MM-DD"))
    format = forms.ChoiceField(
        label=_("Formaat"),
        choices=[("", _("pagina")), ("csv", "CSV"), ("xlsx", "XLSX")],
        required=False,
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vergadering"].queryset = meetings

    def day(self):
        meeting = self.cleaned_data.get("vergadering")
        if meeting:
            return meeting.date
        return self.cleaned_data.get("datum") or timezone.localdate()

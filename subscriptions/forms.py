from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Follow, Subscriber


class FollowForm(forms.Form):
    """A request to follow one thing by e-mail."""

    email = forms.EmailField(
        label=_("Uw e-mailadres"),
        max_length=254,
        help_text=_(
            "U krijgt eerst een e-mail met een link om te bevestigen; daarvoor sturen wij niets."
        ),
    )
    frequency = forms.ChoiceField(
        label=_("Hoe vaak wilt u een overzicht?"),
        choices=Subscriber.Frequency.choices,
        initial=Subscriber.Frequency.WEEKLY,
    )

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != Follow.Kind.COMMITTEE:
            # Digests before meetings follow the meetings of a committee one follows.
            self.fields["frequency"].choices = [
                choice
                for choice in Subscriber.Frequency.choices
                if choice[0] != Subscriber.Frequency.BEFORE_MEETING
            ]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PreferencesForm(forms.ModelForm):
    """How often, how long before a meeting, and in which language."""

    class Meta:
        model = Subscriber
        fields = ["frequency", "days_before_meeting", "language"]

    def clean(self):
        cleaned = super().clean()
        follows_committee = self.instance.follows.filter(
            kind=Follow.Kind.COMMITTEE, confirmed_at__isnull=False
        ).exists()
        if (
            cleaned.get("frequency") == Subscriber.Frequency.BEFORE_MEETING
            and not follows_committee
        ):
            self.add_error(
                "frequency",
                _("Een overzicht voor elke vergadering kan pas als u een commissie volgt."),
            )
        return cleaned

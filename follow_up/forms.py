from django import forms

from findings.models import Recommendation

from .services import FOLLOW_UP_FIELDS

# django-simple-history keeps a change's reason in a column of this length.
REASON_MAX_LENGTH = 100


class FollowUpForm(forms.Form):
    """A recommendation's follow-up; the rules are checked by follow_up.services.update_recommendation()."""

    status = forms.ChoiceField(choices=Recommendation.Status.choices)
    # A date input sends and shows ISO dates whatever the site's locale.
    due_date = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="YYYY-MM-DD. Every change is kept: a due date moved later counts as a slip.",
    )
    implementation_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), label="Implementation note",
        help_text="The actions taken; needed to mark the recommendation implemented.",
    )
    reason = forms.CharField(
        required=False, max_length=REASON_MAX_LENGTH, label="Reason for the change",
        help_text="Kept in the history; needed to reopen an implemented or not accepted recommendation.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    @classmethod
    def for_recommendation(cls, recommendation):
        initial = {name: getattr(recommendation, name) for name in [*FOLLOW_UP_FIELDS, "version"]}
        return cls(initial=initial)

    def follow_up_data(self):
        return {name: self.cleaned_data[name] for name in FOLLOW_UP_FIELDS}

    def rebase(self, version):
        """Keep the user's values but carry the stored `version`: after reading what changed, the
        user may save again to replace the current values."""
        self.data = self.data.copy()
        self.data["version"] = version

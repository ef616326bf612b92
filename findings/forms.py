"""The staff pages' forms: a finding with its criterion tags and quantitative evidence; a lesson.

The forms check what a person typed; findings.services writes it, refusing stale and transcribed
edits and anything the models' rules refuse.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max

from evalbase.lib.scales import plain
from evaluations.models import Evaluation
from reference.models import Country, Criterion, Theme

from .models import Finding, Lesson, QuantitativeEvidence

# django-simple-history keeps a change's reason in a column of this length.
REASON_MAX_LENGTH = 100

NOT_TAGGED, NAMED, INFERRED = "", "named", "inferred"
TAG_CHOICES = [(NOT_TAGGED, "No"), (NAMED, "Named"), (INFERRED, "Inferred")]


class CountryCodesField(forms.CharField):
    """Countries as two-letter ISO codes separated by commas or spaces ("PE, SN")."""

    def to_python(self, value):
        codes = list(dict.fromkeys(code.upper() for code in re.split(r"[\s,;]+", super().to_python(value)) if code))
        found = {country.iso2: country for country in Country.objects.filter(iso2__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise ValidationError(f"No country has the ISO code {', '.join(f'“{code}”' for code in unknown)}. "
                                  "Use two-letter codes such as PE or SN.")
        return [found[code] for code in codes]

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(country.iso2 for country in value)
        return value


class EditForm(forms.ModelForm):
    """A staff page's form for a finding or a lesson.

    A new record's form names its evaluation; an existing record's form carries the version it was
    loaded at (a stale one is refused by the service) and a reason kept in the history.
    """

    evaluation = forms.ModelChoiceField(queryset=Evaluation.objects.order_by("-year", "title"), to_field_name="slug")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    reason = forms.CharField(required=False, max_length=REASON_MAX_LENGTH, label="Reason for the change",
                             help_text="Optional; kept in the history with your name.")
    own_fields = []  # the record's own fields, as the service takes them

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["evaluation"]
            if not self.is_bound:
                self.initial["version"] = self.instance.version
        else:
            del self.fields["version"], self.fields["reason"]

    def changes(self):
        return {name: self.cleaned_data[name] for name in self.own_fields}

    def rebase(self, version):
        """Keep the person's values but carry the stored `version`: after reading what changed since,
        saving again replaces the current values, deliberately."""
        self.data = self.data.copy()
        self.data["version"] = version

    def add_service_error(self, error):
        """Show a refusal from findings.services: on the field it names if the form has it, else above."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class FindingForm(EditForm):
    """A finding; each criterion is a row: not tagged, named by the report, or inferred from the wording."""

    countries = CountryCodesField(required=False, max_length=400,
                                  help_text="Two-letter ISO codes separated by commas, e.g. PE, SN.")
    own_fields = ["code", "category", "title", "text", "evidence_kind"]

    class Meta:
        model = Finding
        fields = ["evaluation", "code", "category", "title", "text", "evidence_kind", "themes"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8}), "themes": forms.CheckboxSelectMultiple}
        help_texts = {"code": "As the report numbers it (e.g. 3.2 or F12); unique within the evaluation."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.order_by("name")
        self.fields["themes"].required = False
        tags = {}
        if self.instance.pk:
            tags = {tag.criterion_id: tag.inferred for tag in self.instance.criterion_tags.all()}
            if not self.is_bound:
                self.initial["countries"] = list(self.instance.countries.all())
        self.criteria = list(Criterion.objects.all())
        for criterion in self.criteria:
            initial = NOT_TAGGED if criterion.pk not in tags else INFERRED if tags[criterion.pk] else NAMED
            self.fields[f"criterion_{criterion.code}"] = forms.ChoiceField(
                label=str(criterion), choices=TAG_CHOICES, initial=initial, required=False,
                widget=forms.RadioSelect)

    def criterion_fields(self):
        return [self[f"criterion_{criterion.code}"] for criterion in self.criteria]

    def criterion_tags(self):
        """{criterion: inferred} for each tagged criterion, as findings.services takes them."""
        tags = {}
        for criterion in self.criteria:
            choice = self.cleaned_data.get(f"criterion_{criterion.code}")
            if choice:
                tags[criterion] = choice == INFERRED
        return tags


class EvidenceForm(forms.ModelForm):
    class Meta:
        model = QuantitativeEvidence
        fields = ["indicator", "value", "unit", "base", "base_value"]
        labels = {"base": "Base", "base_value": "Base value"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("value", "base_value"):  # as printed: 43, not 43.0000
            if self.initial.get(name) is not None:
                self.initial[name] = plain(self.initial[name])


class BaseEvidenceFormSet(forms.BaseInlineFormSet):
    def records(self):
        """The evidence the finding should hold, each as the person left it; deleted and blank rows left out."""
        return [form.instance for form in self.forms
                if form not in self.deleted_forms and (form.instance.pk or form.has_changed())]


EvidenceFormSet = forms.inlineformset_factory(
    Finding, QuantitativeEvidence, form=EvidenceForm, formset=BaseEvidenceFormSet, extra=2, can_delete=True,
    max_num=50, validate_max=True)


class LessonForm(EditForm):
    own_fields = ["number", "title", "text"]

    class Meta:
        model = Lesson
        fields = ["evaluation", "number", "title", "text", "criteria", "themes"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8}), "criteria": forms.CheckboxSelectMultiple,
                   "themes": forms.CheckboxSelectMultiple}
        help_texts = {"number": "As the report numbers it; unique within the evaluation."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.order_by("name")
        for name in ("criteria", "themes"):
            self.fields[name].required = False
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("number", _next_lesson_number(self.initial.get("evaluation")))


def _next_lesson_number(slug):
    """The number after the evaluation's last lesson, for a new lesson's form; None for no such evaluation."""
    if not isinstance(slug, str) or not re.fullmatch(r"[-\w]+", slug):
        return None
    evaluation = Evaluation.objects.filter(slug=slug).first()
    if evaluation is None:
        return None
    return (evaluation.lessons.aggregate(last=Max("number"))["last"] or 0) + 1

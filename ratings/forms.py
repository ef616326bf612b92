"""Rating entry: choose the evaluation and subject, then rate every criterion in one grid."""

from django import forms
from django.core.exceptions import ValidationError

from evaluations.models import Evaluation
from findings.models import Finding
from projects.models import Programme, Project
from projects.numbers import normalise_project_number
from reference.models import Country, Criterion, RatingScale

from .models import Rating


class SubjectForm(forms.Form):
    """Step 1: what is rated, in which evaluation, on which scale."""

    evaluation = forms.ModelChoiceField(queryset=Evaluation.objects.all(), to_field_name="slug")
    subject_kind = forms.ChoiceField(label="Subject is a", choices=Rating.Subject.choices)
    subject = forms.CharField(
        label="Subject", max_length=60,
        help_text="Project number (any spelling), country ISO code (PE) or programme slug.",
    )
    scale = forms.ModelChoiceField(queryset=RatingScale.objects.all(), to_field_name="code")

    def clean(self):
        data = super().clean()
        kind, key = data.get("subject_kind"), (data.get("subject") or "").strip()
        if not kind or not key:
            return data
        lookups = {
            "project": (Project, {"number": normalise_project_number(key)}, "No project has the number"),
            "country": (Country, {"iso2": key.upper()}, "No country has the ISO code"),
            "programme": (Programme, {"slug": key}, "No programme has the slug"),
        }
        model, lookup, message = lookups[kind]
        data["subject_object"] = model.objects.filter(**lookup).first()
        if data["subject_object"] is None:
            self.add_error("subject", f"{message} “{key}”.")
        return data

    def rating_for(self, criterion):
        """An unsaved rating of this subject on `criterion`, for validation."""
        data = self.cleaned_data
        return Rating(evaluation=data["evaluation"], subject_kind=data["subject_kind"],
                      scale=data["scale"], criterion=criterion, **{data["subject_kind"]: data["subject_object"]})


class CriterionRatingForm(forms.Form):
    """One row of the grid: a criterion, its value or "not assessed", a justification and a finding."""

    criterion = forms.CharField(widget=forms.HiddenInput)
    value = forms.DecimalField(required=False, max_digits=5, decimal_places=2)
    not_assessed = forms.BooleanField(label="Not assessed", required=False)
    justification = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    finding = forms.ModelChoiceField(label="Supporting finding", queryset=Finding.objects.none(), required=False)

    def __init__(self, *args, findings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if findings is not None:
            self.fields["finding"].queryset = findings

    @property
    def is_rated(self):
        data = getattr(self, "cleaned_data", {})
        return data.get("value") is not None or data.get("not_assessed")

    def clean_criterion(self):
        code = self.cleaned_data["criterion"]
        criterion = Criterion.objects.filter(code=code).first()
        if criterion is None:
            raise ValidationError(f"Missing criterion: “{code}” is not a criterion.")
        return criterion


class BaseRatingGrid(forms.BaseFormSet):
    def __init__(self, *args, findings=None, **kwargs):
        self.findings = findings
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        # Every row is validated, even one the POST added beyond the criteria shown: an empty row
        # skipped as "extra" would reach clean() without its criterion.
        return {**super().get_form_kwargs(index), "findings": self.findings, "empty_permitted": False}

    def clean(self):
        if any(self.errors):
            return
        codes = [form.cleaned_data["criterion"].code for form in self.forms]
        if len(codes) != len(set(codes)):
            raise ValidationError("A criterion appears twice in the grid.")
        if not any(form.is_rated for form in self.forms):
            raise ValidationError("Rate at least one criterion, or mark it not assessed.")


RatingGrid = forms.formset_factory(CriterionRatingForm, formset=BaseRatingGrid, extra=0, max_num=50,
                                   validate_max=True)


class RatingEditForm(forms.ModelForm):
    """Edit one rating. `version` is the version the user loaded: a stale one is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Rating
        fields = ["value", "not_assessed", "label", "justification", "supporting_findings"]
        widgets = {"justification": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supporting_findings"].queryset = Finding.objects.filter(evaluation=self.instance.evaluation_id)
        self.fields["supporting_findings"].required = False
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def changes(self):
        """The rating's own fields as the user left them, for ratings.services.update_rating."""
        return {name: self.cleaned_data[name] for name in ("value", "not_assessed", "label", "justification")}

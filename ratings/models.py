"""Criteria, rating scales as data, and ratings of projects, country portfolios and programmes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from evaluations.models import Cited, Country, Evaluation
from projects.models import Programme, Project

from .scales import normalise, plain


class Criterion(Cited):
    """An evaluation criterion: the six OECD-DAC ones or a report's own (UNIDO's "design")."""

    class Kind(models.TextChoices):
        OECD_DAC = "oecd_dac", "OECD-DAC"
        REPORT_SPECIFIC = "report_specific", "Report-specific"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "criteria"

    def __str__(self):
        return self.name


class RatingScale(Cited):
    """A scale as a report defines it: its range, which end is best, and any "not assessed" code.

    UNIDO Table 8: 1-4, 4 best, 0 = "too premature to assess / not known" (not a score).
    SECO: 1-4, 1 = highly satisfactory.
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    minimum = models.DecimalField(max_digits=5, decimal_places=2)
    maximum = models.DecimalField(max_digits=5, decimal_places=2)
    best_is_high = models.BooleanField(help_text="True when the highest value is the best rating.")
    not_assessed_value = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        help_text='A code that means "not assessed" and is not a score.',
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(minimum__lt=models.F("maximum")), name="scale_min_below_max"),
            models.CheckConstraint(
                condition=Q(not_assessed_value__isnull=True)
                | Q(not_assessed_value__lt=models.F("minimum"))
                | Q(not_assessed_value__gt=models.F("maximum")),
                name="scale_not_assessed_code_outside_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def description(self):
        best, worst = (self.maximum, self.minimum) if self.best_is_high else (self.minimum, self.maximum)
        text = f"{plain(self.minimum)}-{plain(self.maximum)}, {plain(best)} best, {plain(worst)} worst"
        if self.not_assessed_value is not None:
            text += f"; {plain(self.not_assessed_value)} = not assessed"
        return text

    def is_not_assessed_code(self, value):
        return value is not None and self.not_assessed_value is not None and value == self.not_assessed_value

    def normalise(self, value):
        return normalise(value, minimum=self.minimum, maximum=self.maximum, best_is_high=self.best_is_high)


class ScaleLevel(models.Model):
    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="levels")
    value = models.DecimalField(max_digits=5, decimal_places=2)
    label = models.CharField(max_length=300)

    class Meta:
        ordering = ["scale", "value"]
        constraints = [models.UniqueConstraint(fields=["scale", "value"], name="unique_level_per_scale")]

    def __str__(self):
        return f"{plain(self.value)} = {self.label}"


class RatingQuerySet(models.QuerySet):
    def assessed(self):
        return self.filter(not_assessed=False)


class Rating(Cited):
    """A rating of one subject on one criterion in one evaluation, on that evaluation's scale.

    `value` is the raw value as printed. "Not assessed" is `not_assessed=True`; the value then
    holds the scale's not-assessed code if the report printed one (UNIDO's 0), else nothing.
    The database refuses values outside the scale (see migration 0002).
    """

    class Subject(models.TextChoices):
        PROJECT = "project", "Project"
        COUNTRY = "country", "Country portfolio"
        PROGRAMME = "programme", "Programme / portfolio"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="ratings")
    subject_kind = models.CharField(max_length=20, choices=Subject.choices)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="ratings")
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="ratings")
    value = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    not_assessed = models.BooleanField(default=False)
    label = models.CharField(max_length=100, blank=True, help_text="The verbal rating as printed.")
    justification = models.TextField(blank=True)
    supporting_findings = models.ManyToManyField("findings.Finding", blank=True, related_name="ratings")
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Raised on every edit.")

    objects = RatingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluation", "criterion__order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(subject_kind="project", project__isnull=False, country__isnull=True, programme__isnull=True)
                    | Q(subject_kind="country", project__isnull=True, country__isnull=False, programme__isnull=True)
                    | Q(subject_kind="programme", project__isnull=True, country__isnull=True, programme__isnull=False)
                ),
                name="rating_has_exactly_its_subject",
            ),
            models.CheckConstraint(
                condition=Q(not_assessed=True) | Q(value__isnull=False),
                name="rating_has_value_or_is_not_assessed",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "project", "criterion"],
                condition=Q(project__isnull=False),
                name="one_rating_per_evaluation_project_criterion",
                violation_error_message="This evaluation already rates this subject on this criterion.",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "country", "criterion"],
                condition=Q(country__isnull=False),
                name="one_rating_per_evaluation_country_criterion",
                violation_error_message="This evaluation already rates this subject on this criterion.",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "programme", "criterion"],
                condition=Q(programme__isnull=False),
                name="one_rating_per_evaluation_programme_criterion",
                violation_error_message="This evaluation already rates this subject on this criterion.",
            ),
        ]

    def __str__(self):
        return f"{self.subject}: {self.criterion} {self.display_value}"

    def get_absolute_url(self):
        return reverse("ratings:detail", args=[self.pk])

    @property
    def subject(self):
        return self.project or self.country or self.programme

    @property
    def display_value(self):
        if self.not_assessed:
            return "not assessed"
        return plain(self.value)

    @property
    def normalised_value(self):
        """0-100 with 100 best; None when not assessed."""
        if self.not_assessed:
            return None
        return self.scale.normalise(self.value)

    def clean(self):
        errors = {}
        scale = self.scale if self.scale_id else None
        if scale is not None and self.value is not None:
            if scale.is_not_assessed_code(self.value):
                self.not_assessed = True
            elif not scale.minimum <= self.value <= scale.maximum:
                errors["value"] = (
                    f"{plain(self.value)} is outside the scale {scale.name} ({scale.description})."
                )
            elif self.not_assessed:
                errors["value"] = "A rating marked not assessed cannot carry a score."
        if self.value is None and not self.not_assessed:
            errors["value"] = 'Give a value or mark the rating "not assessed".'
        if errors:
            raise ValidationError(errors)

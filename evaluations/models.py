"""Evaluations (the reports), who took part in them, their data-quality notes and published figures."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from reference.models import Cited, Country, Organisation


class EvaluationQuerySet(models.QuerySet):
    def involving(self, organisation):
        """Evaluations the organisation (or one of its units, as UNIDO's Evaluation Group is UNIDO's)
        commissioned or took part in, in any role: what "its evidence" means on every page."""
        return self.filter(
            Q(commissioner=organisation) | Q(commissioner__parent=organisation)
            | Q(participations__organisation=organisation) | Q(participations__organisation__parent=organisation)
        ).distinct()


class Evaluation(Cited):
    class Kind(models.TextChoices):
        THEMATIC = "thematic_evaluation", "Thematic evaluation"
        PORTFOLIO = "portfolio_analysis", "Portfolio analysis"
        CASE_STUDY = "case_study", "Case study"
        FACTSHEET = "factsheet", "Factsheet"

    slug = models.SlugField(max_length=80, unique=True)
    code = models.CharField("report reference", max_length=80, blank=True)
    title = models.CharField(max_length=400)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="commissioned_evaluations"
    )
    year = models.PositiveSmallIntegerField()
    date = models.DateField(null=True, blank=True)
    date_note = models.CharField(max_length=200, blank=True)
    period_start = models.PositiveSmallIntegerField(null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(null=True, blank=True)
    team = models.TextField(blank=True)
    methodology = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    countries = models.ManyToManyField(Country, blank=True, related_name="evaluations")
    scope_note = models.TextField(blank=True)
    cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    cost_currency = models.CharField(max_length=3, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="evaluation_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | ~Q(cost_currency=""),
                name="evaluation_cost_has_currency",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=models.F("period_end")),
                name="evaluation_period_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("overview:evaluation", args=[self.slug])

    def clean(self):
        if self.cost is not None and not self.cost_currency:
            raise ValidationError({"cost_currency": "A cost needs its currency."})


class Participation(Cited):
    """The role an organisation played in an evaluation."""

    class Role(models.TextChoices):
        COMMISSIONER = "commissioner", "Commissioner"
        EVALUATOR = "evaluator", "Evaluator"
        CO_EVALUATOR = "co_evaluator", "Co-evaluator"
        EVALUATED_UNIT = "evaluated_unit", "Evaluated unit"
        DONOR = "donor", "Donor"
        PARTNER = "partner", "Partner"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "organisation", "role"], name="one_role_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


class DataQualityNote(Cited):
    """Where a report is ambiguous or disagrees with itself, and how EvalBase reads it."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="quality_notes")
    code = models.SlugField(max_length=80)
    title = models.CharField(max_length=300)
    text = models.TextField()

    class Meta:
        ordering = ["evaluation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "code"], name="unique_note_code_per_evaluation")
        ]

    def __str__(self):
        return self.title


class Measure(models.TextChoices):
    """What a published figure counts or sums; reports.reconciliation recomputes each one."""

    PROJECTS = "projects", "Number of projects"
    ALLOTMENTS = "allotments", "Number of allotment lines"
    ALLOTMENT = "allotment_usd", "Total allotment"
    EXPENDITURE = "expenditure_usd", "Total expenditure"
    ALLOTMENT_SHARE = "allotment_pct", "Share of allotment"
    EXPENDITURE_SHARE = "expenditure_pct", "Share of expenditure"
    AVERAGE_PROJECT = "average_project_usd", "Average project size"
    COUNTRIES = "countries", "Number of countries"
    PROJECTS_OVER = "projects_over", "Projects larger than an amount"
    PROJECTS_UNDER = "projects_under", "Projects smaller than an amount"
    PROJECTS_OVER_AVERAGE = "projects_over_average", "Projects larger than the average"
    PROJECTS_UNDER_AVERAGE = "projects_under_average", "Projects smaller than the average"
    RATING_AVERAGE = "rating_average", "Average rating"
    RATING = "rating", "Rating"


class Dimension(models.TextChoices):
    """The slice of the portfolio a published figure is about."""

    WHOLE = "", "Whole portfolio"
    STATUS = "status", "Status"
    REGION = "region", "Region"
    APPROACH = "approach", "Approach"
    TYPE = "type", "Type"
    COUNTRY = "country", "Country"
    YEAR = "year", "Start year"


RATING_MEASURES = (Measure.RATING_AVERAGE, Measure.RATING)


class PublishedFigure(Cited):
    """An aggregate a report publishes, with what it measures so it can be recomputed.

    `measure` names what the figure is; `dimension` and `group` say which slice (e.g. by status,
    group "closed"; a group may join several values with commas: "ongoing,not_stated"); `criterion`
    is set for ratings and their averages. Both vocabularies are closed (choices, enforced by the
    database): reports.reconciliation recomputes each measure from the transcribed line items.
    """

    Measure = Measure
    Dimension = Dimension
    RATING_MEASURES = RATING_MEASURES

    class Unit(models.TextChoices):
        COUNT = "count", "count"
        USD = "USD", "USD"
        CHF = "CHF", "CHF"
        PERCENT = "percent", "%"
        SCORE = "score", "score"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="published_figures")
    key = models.SlugField(max_length=100)
    label = models.CharField(max_length=300)
    measure = models.CharField(max_length=50, choices=Measure.choices)
    dimension = models.CharField(max_length=30, choices=Dimension.choices, blank=True)
    group = models.CharField(max_length=100, blank=True)
    criterion = models.ForeignKey(
        "reference.Criterion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value = models.DecimalField(max_digits=16, decimal_places=2)
    printed_value = models.CharField(max_length=60, blank=True, help_text="The figure exactly as printed.")
    unit = models.CharField(max_length=10, choices=Unit.choices)
    explanation = models.TextField(blank=True)
    notes = models.ManyToManyField(DataQualityNote, blank=True, related_name="figures")

    class Meta:
        ordering = ["evaluation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "key"], name="unique_figure_key_per_evaluation"),
            models.CheckConstraint(condition=Q(measure__in=Measure.values), name="figure_measure_known"),
            models.CheckConstraint(condition=Q(dimension__in=Dimension.values), name="figure_dimension_known"),
            models.CheckConstraint(
                condition=Q(measure__in=RATING_MEASURES, criterion__isnull=False)
                | (~Q(measure__in=RATING_MEASURES) & Q(criterion__isnull=True)),
                name="figure_criterion_only_for_ratings",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.printed_value or self.value}"

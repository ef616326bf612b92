"""Programmes, projects and their funding allotments."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from evaluations.models import Evaluation
from reference.models import Cited, Country, Organisation, Region

from .numbers import display_project_number, normalise_project_number

# A line's expenditure: the main figure plus the second part some lines print under it ("Research").
TOTAL_EXPENDITURE = F("expenditure") + F("other_expenditure")


class Approach(models.TextChoices):
    """UNIDO's predominant approach (Annex 3 column "Predom. Approach")."""

    NETWORKING = "networking", "Networking"
    CLUSTER_NETWORKING = "cluster_networking", "Cluster & networking"
    EXPORT_CONSORTIA = "export_consortia", "Export consortia"
    GLOBAL_FORUM = "global_forum", "Global forum"


class ProjectType(models.TextChoices):
    """Annex 3 column "Type", with the spellings of the PDF folded together."""

    PILOT = "pilot_project", "Pilot project"
    UPSCALING = "upscaling", "Upscaling"
    POLICY = "policy_development", "Policy development"
    PREPARATORY = "preparatory_assistance", "Preparatory assistance"
    RESEARCH = "research", "Research"
    TRAINING = "training", "Training"
    EVALUATION = "evaluation", "Evaluation"
    TWINNING = "cluster_twinning", "Cluster twinning"


class Status(models.TextChoices):
    CLOSED = "closed", "Closed"
    ONGOING = "ongoing", "Ongoing"
    NOT_STATED = "not_stated", "Not stated"


def project_status(line_statuses):
    """A project's status from its allotment lines: ongoing if any line is, closed if all are."""
    statuses = set(line_statuses)
    if Status.ONGOING in statuses:
        return Status.ONGOING
    if statuses == {Status.CLOSED}:
        return Status.CLOSED
    return Status.NOT_STATED


class Programme(Cited):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=80, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programmes")
    evaluations = models.ManyToManyField(Evaluation, blank=True, related_name="programmes")
    description = models.TextField(blank=True)
    period_start = models.PositiveSmallIntegerField(null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(null=True, blank=True)
    declared_projects = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number of projects/programmes as the report states it."
    )
    declared_budget = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    declared_budget_currency = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(declared_budget__isnull=True) | Q(declared_budget__gte=0),
                name="programme_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(declared_budget__isnull=True) | ~Q(declared_budget_currency=""),
                name="programme_budget_has_currency",
            ),
        ]

    def __str__(self):
        return self.short_name or self.name


class Project(Cited):
    """A project as the evaluation counts it: one or more allotment lines ("consider as one project").

    `number` is the normalised number of its first allotment line. Country, region, approach,
    start year and status describe the project as a whole; the lines keep what the source prints.
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="projects")
    number = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=400, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="projects")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="projects")
    approach = models.CharField(max_length=30, choices=Approach.choices, blank=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STATED)
    status_note = models.CharField(max_length=300, blank=True)
    # Totals of the project's allotment lines, stored so that lists sort, filter and page on them
    # with an index; kept by projects.services.refresh_totals() on every write of lines. Money is
    # never summed across currencies: a project whose lines are in two currencies has no currency
    # and no totals here (its page shows one total per currency).
    currency = models.CharField(max_length=3, blank=True, help_text="Its lines' currency; empty if none or several.")
    allotment_total = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True, editable=False)
    expenditure_total = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True, editable=False)
    allotment_count = models.PositiveIntegerField("allotment lines", default=0, editable=False)

    class Meta:
        ordering = ["number"]
        permissions = [("import_portfolio", "Can import projects and allotment lines from a file")]
        # What the portfolio filters, sorts and counts by (projects.views.FACETS, the sortable columns).
        indexes = [
            models.Index(fields=["region", "status"], name="project_region_status"),
            models.Index(fields=["status"], name="project_status"),
            models.Index(fields=["approach"], name="project_approach"),
            models.Index(fields=["start_year", "approach"], name="project_start_year"),
            models.Index(fields=["currency", "allotment_total"], name="project_currency_allotment"),
            models.Index(fields=["allotment_total"], name="project_allotment"),
            models.Index(fields=["expenditure_total"], name="project_expenditure"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^[A-Z0-9]+$"), name="project_number_normalised"
            ),
        ]

    def __str__(self):
        return f"{self.display_number} {self.title}".strip()

    @property
    def mixed_currencies(self):
        return self.allotment_count > 0 and not self.currency

    @property
    def display_number(self):
        return display_project_number(self.number)

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.number])

    def clean(self):
        self.number = normalise_project_number(self.number)
        if not self.number:
            raise ValidationError({"number": "A project needs a number."})


class Allotment(Cited):
    """One funding line of a project (UNIDO Annex 3 row), money in its own currency.

    Expenditure is printed in one or two parts: two lines carry a second part labelled
    "Research" under the main figure; both are kept and their sum is the line's expenditure.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="allotments")
    line = models.PositiveSmallIntegerField(help_text="Row number in the source table.")
    number = models.CharField(max_length=30, unique=True)
    printed_number = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    country_label = models.CharField(max_length=60, blank=True)
    region_label = models.CharField(max_length=30, blank=True)
    approach_label = models.CharField(max_length=40, blank=True)
    project_type = models.CharField(max_length=30, choices=ProjectType.choices)
    type_label = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    status_label = models.CharField(max_length=20, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    amount = models.DecimalField("allotment", max_digits=14, decimal_places=2)
    expenditure = models.DecimalField(max_digits=14, decimal_places=2)
    other_expenditure = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    other_expenditure_label = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["line"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="allotment_not_negative"),
            models.CheckConstraint(condition=Q(expenditure__gte=0), name="expenditure_not_negative"),
            models.CheckConstraint(
                condition=Q(other_expenditure__gte=0), name="other_expenditure_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^[A-Z0-9]+$"), name="allotment_number_normalised"
            ),
            models.CheckConstraint(condition=~Q(currency=""), name="allotment_has_currency"),
        ]

    def __str__(self):
        return self.printed_number

    @property
    def total_expenditure(self):
        return self.expenditure + self.other_expenditure

    def clean(self):
        self.number = normalise_project_number(self.number or self.printed_number)
        errors = {}
        for field in ("amount", "expenditure", "other_expenditure"):
            value = getattr(self, field)
            if value is not None and value < 0:
                errors[field] = "Money cannot be negative."
        if errors:
            raise ValidationError(errors)

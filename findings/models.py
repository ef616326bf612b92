"""Findings with their evidence, lessons, conclusions, recommendations and management responses."""

from concurrency.fields import AutoIncVersionField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from evaluations.models import Evaluation
from reference.models import Cited, Country, Criterion, Organisation, Theme


class EvidenceKind(models.TextChoices):
    FIELD_EVALUATION = "field_evaluation", "Field evaluation"
    SURVEY = "survey", "Survey"
    DESK_REVIEW = "desk_review", "Desk review"
    CASE_STUDY = "case_study", "Case study"
    PORTFOLIO_DATA = "portfolio_data", "Portfolio data"
    INTERVIEWS = "interviews", "Interviews"
    MIXED = "mixed", "Mixed methods"


class Finding(Cited):
    class Category(models.TextChoices):
        FINDING = "finding", "Finding"
        SUCCESS_FACTOR = "success_factor", "Success factor"
        CHALLENGE = "challenge", "Challenge"
        SALIENT_POINT = "salient_point", "Salient point"
        TAKE_AWAY = "take_away", "Take-away"
        OUTPUT = "output", "Output"
        OUTCOME = "outcome", "Outcome"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="findings")
    code = models.CharField(max_length=20)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.FINDING)
    title = models.CharField(max_length=300)
    text = models.TextField()
    criteria = models.ManyToManyField(Criterion, blank=True, related_name="findings", through="FindingCriterion")
    themes = models.ManyToManyField(Theme, blank=True, related_name="findings")
    countries = models.ManyToManyField(Country, blank=True, related_name="findings")
    evidence_kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    # Raised by one on every save (django-concurrency), also when only its tags or evidence change:
    # a form loaded before someone else's save is refused (findings.services).
    version = AutoIncVersionField(help_text="Raised by one on every save.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "code"], name="unique_finding_code_per_evaluation")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("findings:detail", args=[self.pk])


class FindingCriterion(models.Model):
    """A finding's criterion tag. `inferred`: the report does not name the criterion; EvalBase read
    it from the finding's wording (e.g. "the project reached..." -> effectiveness)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="criterion_tags")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="finding_tags")
    inferred = models.BooleanField(default=False, help_text="Read from the wording, not named by the report.")

    class Meta:
        db_table = "findings_finding_criteria"  # the table Django made for the plain many-to-many
        unique_together = [("finding", "criterion")]

    def __str__(self):
        return f"{self.criterion} (inferred)" if self.inferred else str(self.criterion)


class QuantitativeEvidence(Cited):
    """A number a finding rests on, with its unit and base (e.g. 43 % of 55 certified carpenters)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.CharField(max_length=300)
    value = models.DecimalField(max_digits=16, decimal_places=4)
    unit = models.CharField(max_length=40)
    base = models.CharField(max_length=200, blank=True)
    base_value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["finding", "id"]
        verbose_name_plural = "quantitative evidence"

    def __str__(self):
        return f"{self.indicator}: {self.value.normalize():f} {self.unit}"


class Lesson(Cited):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="lessons")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    text = models.TextField()
    criteria = models.ManyToManyField(Criterion, blank=True, related_name="lessons")
    themes = models.ManyToManyField(Theme, blank=True, related_name="lessons")
    version = AutoIncVersionField(help_text="Raised by one on every save.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "number"], name="unique_lesson_number_per_evaluation")
        ]

    def __str__(self):
        return self.title


class Conclusion(Cited):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="conclusions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    findings = models.ManyToManyField(Finding, blank=True, related_name="conclusions")

    class Meta:
        ordering = ["evaluation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "number"], name="unique_conclusion_number_per_evaluation"
            )
        ]

    def __str__(self):
        return f"Conclusion {self.number}"


class ResponsibilityOwner(models.Model):
    """Whom a recommendation is addressed to, as reports name them ("Donors", "CBL Unit")."""

    name = models.CharField(max_length=150, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="owner_roles"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class RecommendationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[Recommendation.Status.OPEN, Recommendation.Status.IN_PROGRESS])

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())


class Recommendation(Cited):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        IMPLEMENTED = "implemented", "Implemented"
        NOT_ACCEPTED = "not_accepted", "Not accepted"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    conclusion = models.ForeignKey(
        Conclusion, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    findings = models.ManyToManyField(Finding, blank=True, related_name="recommendations")
    owners = models.ManyToManyField(ResponsibilityOwner, blank=True, related_name="recommendations")
    themes = models.ManyToManyField(Theme, blank=True, related_name="recommendations")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    due_date = models.DateField(null=True, blank=True)
    implementation_note = models.TextField(
        blank=True, help_text="The actions taken; needed to mark the recommendation implemented."
    )
    # Raised by one on every save, whatever saves it (django-concurrency), so that a form loaded
    # before someone else's save is refused instead of silently overwriting it (follow_up.services).
    version = AutoIncVersionField(help_text="Raised by one on every save.")

    objects = RecommendationQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[owners])

    class Meta:
        ordering = ["evaluation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "number"], name="unique_recommendation_number_per_evaluation"
            ),
            models.CheckConstraint(
                condition=~Q(status="implemented") | ~Q(implementation_note=""),
                name="implemented_recommendation_has_note",
            ),
        ]
        permissions = [("reopen_recommendation", "Can reopen an implemented or not accepted recommendation")]

    def __str__(self):
        return f"Recommendation {self.number}"

    def get_absolute_url(self):
        return reverse("follow_up:recommendation", args=[self.pk])

    def clean(self):
        if self.status == self.Status.IMPLEMENTED and not self.implementation_note.strip():
            raise ValidationError({"implementation_note": (
                "Describe the actions taken before marking the recommendation implemented.")})


class ManagementResponse(Cited):
    class Stance(models.TextChoices):
        AGREES = "agrees", "Agrees"
        PARTIALLY_AGREES = "partially_agrees", "Partially agrees"
        DISAGREES = "disagrees", "Disagrees"

    recommendation = models.OneToOneField(Recommendation, on_delete=models.CASCADE, related_name="response")
    stance = models.CharField(max_length=20, choices=Stance.choices)
    text = models.TextField(blank=True)
    responder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="management_responses"
    )
    date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self):
        return self.get_stance_display()


class Action(Cited):
    """What was done in answer to a recommendation, as its management response reports it."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        UNDER_WAY = "under_way", "Under way"
        COMPLETED = "completed", "Completed"

    response = models.ForeignKey(ManagementResponse, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["response", "id"]

    def __str__(self):
        return self.description[:80]


class ApproachComparison(Cited):
    """One cell of a table comparing organisations' approaches (UNIDO Table 5)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="approach_comparisons")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    aspect = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["evaluation", "aspect", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "organisation", "aspect"], name="one_comparison_cell"
            )
        ]

    def __str__(self):
        return f"{self.organisation}: {self.aspect}"

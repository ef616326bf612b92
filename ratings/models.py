"""Ratings of projects, country portfolios and programmes, each on its evaluation's scale."""

from concurrency.fields import AutoIncVersionField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from evalbase.lib.scales import plain
from evaluations.models import Evaluation
from projects.models import Programme, Project
from reference.models import Cited, Country, Criterion, RatingScale


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
    # Raised by one on every save, whatever saves it (django-concurrency): see ratings.services.
    version = AutoIncVersionField(help_text="Raised by one on every save.")

    objects = RatingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluation", "criterion__order", "id"]
        permissions = [("import_ratings", "Can import ratings from a file")]
        # The ratings list's order (ratings.selectors.LIST_ORDER): a page is read from this index,
        # never by sorting every rating.
        indexes = [models.Index(fields=["evaluation", "subject_kind", "project", "country", "programme", "criterion",
                                        "id"], name="rating_list_order")]
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
        if scope := self.scope_problem(self.preloaded_scope):
            errors[self.subject_kind] = scope
        if errors:
            raise ValidationError(errors)

    # The evaluation's scope, when a check of many ratings read it beforehand (`scopes`): clean()
    # then spares the queries that scope_problem() makes for one rating.
    preloaded_scope = None

    def scope_problem(self, scope=None):
        """Why the subject lies outside the evaluation's scope, or "": an evaluation rates only the
        countries it covers and the programmes it evaluates, with their projects.

        `scope` is the evaluation's (country ids, programme ids) as `Rating.scopes()` reads them
        for many evaluations at once; without it, they are read for this rating.
        """
        if not self.evaluation_id or self.subject is None:
            return ""
        country_ids, programme_ids = self.scopes([self.evaluation_id])[self.evaluation_id] if scope is None else scope
        if self.subject_kind == self.Subject.COUNTRY:
            if self.country_id not in country_ids:
                return f"{self.country} is not among the countries {self.evaluation} covers."
            return ""
        programme_id = self.project.programme_id if self.subject_kind == self.Subject.PROJECT else self.programme_id
        if programme_id not in programme_ids:
            return f"{self.subject} is not in a programme {self.evaluation} evaluates."
        return ""

    @staticmethod
    def scopes(evaluation_ids):
        """{evaluation id: (ids of the countries it covers, ids of the programmes it evaluates)}, in two queries."""
        scopes = {pk: (set(), set()) for pk in evaluation_ids}
        covered = Evaluation.countries.through.objects.filter(evaluation_id__in=list(scopes))
        for evaluation_id, country_id in covered.values_list("evaluation_id", "country_id"):
            scopes[evaluation_id][0].add(country_id)
        evaluated = Programme.evaluations.through.objects.filter(evaluation_id__in=list(scopes))
        for evaluation_id, programme_id in evaluated.values_list("evaluation_id", "programme_id"):
            scopes[evaluation_id][1].add(programme_id)
        return scopes

"""Reference data every other app builds on: the source documents records cite, organisations,
countries and regions, evaluation criteria, rating scales and themes.

These models began in other apps; each keeps the table it was created with (`db_table`), so moving
them here changed no data.
"""

from django.db import models
from django.db.models import Q

from evalbase.lib.scales import normalise, plain


class SourceDocument(models.Model):
    """A seed file a record was transcribed from."""

    file_name = models.CharField(max_length=200, unique=True)
    title = models.CharField(max_length=400)
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        db_table = "evaluations_sourcedocument"
        ordering = ["file_name"]

    def __str__(self):
        return self.file_name


class Cited(models.Model):
    """A transcribed record: which file, which table/annex/section, which row or paragraph.

    Records entered through forms have no source document; transcribed ones always do.
    """

    source = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_section = models.CharField(max_length=200, blank=True)
    source_locator = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def citation(self):
        if not self.source_id:
            return ""
        parts = [self.source.file_name, self.source_section, self.source_locator]
        return ", ".join(part for part in parts if part)


def agency_of(organisation, organisations=None):
    """The top-level organisation `organisation` belongs to (UNIDO for its CBL Unit).

    `organisations` ({pk: organisation}) lets a caller walk many without a query per level.
    """
    while organisation.parent_id:
        organisation = organisations[organisation.parent_id] if organisations else organisation.parent
    return organisation


class OrganisationQuerySet(models.QuerySet):
    def agencies(self):
        """{organisation id: its agency} for every organisation, from one query."""
        organisations = {o.pk: o for o in self.only("slug", "name", "short_name", "parent_id")}
        return {pk: agency_of(o, organisations) for pk, o in organisations.items()}


class Organisation(Cited):
    class Kind(models.TextChoices):
        AGENCY = "agency", "Agency"
        UNIT = "unit", "Unit"
        EVALUATOR = "evaluator", "Evaluator"
        DONOR = "donor", "Donor"
        GOVERNMENT = "government", "Government"
        RESEARCH = "research", "Research institution"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="units"
    )
    description = models.TextField(blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        db_table = "evaluations_organisation"
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    @property
    def agency(self):
        return agency_of(self)


class Region(models.Model):
    """A reporting region. `labels` are the spellings reports use for it (AF, Internat., ...)."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    labels = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "evaluations_region"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Country(models.Model):
    """ISO 3166-1 country."""

    iso2 = models.CharField("ISO alpha-2", max_length=2, unique=True)
    iso3 = models.CharField("ISO alpha-3", max_length=3, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        db_table = "evaluations_country"
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=Q(iso2__regex=r"^[A-Z]{2}$") & Q(iso3__regex=r"^[A-Z]{3}$"),
                name="country_iso_codes_upper_case",
            )
        ]

    def __str__(self):
        return self.name


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
        db_table = "ratings_criterion"
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
        db_table = "ratings_ratingscale"
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
        db_table = "ratings_scalelevel"
        ordering = ["scale", "value"]
        constraints = [models.UniqueConstraint(fields=["scale", "value"], name="unique_level_per_scale")]

    def __str__(self):
        return f"{plain(self.value)} = {self.label}"


class Theme(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=150)

    class Meta:
        db_table = "findings_theme"
        ordering = ["name"]

    def __str__(self):
        return self.name

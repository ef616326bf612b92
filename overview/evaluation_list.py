"""The evaluations list: its filters, facets with counts, sorting and rows.

Every evaluation is annotated with what its facets group by (its agency, its decade, whether it
holds ratings, findings, recommendations) and its counts, each relation in its own subquery, so the
list runs a constant number of queries whatever the data size.
"""

import django_filters
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce

from evalbase.lib.filtering import bound_filter
from evalbase.lib.listing import Facet
from evalbase.lib.queries import count_of
from evaluations.models import Evaluation
from findings.models import Finding, Recommendation
from ratings.models import Rating
from reference.models import Organisation

HOLDS = (("yes", "Yes"), ("no", "No"))
RELATIONS = {"ratings": Rating, "findings": Finding, "recommendations": Recommendation}

FACETS = [
    Facet("agency", "Commissioning agency", "agency_slug", label_field="agency_name"),
    Facet("kind", "Kind", "kind", choices=tuple(Evaluation.Kind.choices)),
    Facet("decade", "Decade", "decade", choices=tuple((d, f"{d}s") for d in range(1950, 2100, 10))),
    Facet("year", "Year", "year", limit=15),
    Facet("has_ratings", "Has ratings", "has_ratings", choices=HOLDS),
    Facet("has_findings", "Has findings", "has_findings", choices=HOLDS),
    Facet("has_recommendations", "Has recommendations", "has_recommendations", choices=HOLDS),
]
FILTER_LABELS = {"q": "Title contains"}
COLUMNS = ["slug", "code", "title", "kind", "commissioner", "agency", "year", "period_start", "period_end",
           "countries", "ratings", "findings", "recommendations", "cost", "cost_currency", "source"]


def _holds(model):
    return Case(When(Exists(model.objects.filter(evaluation=OuterRef("pk"))), then=Value("yes")), default=Value("no"))


def evaluation_rows():
    """Every evaluation with its agency, decade, what it holds and its counts (one query)."""
    countries = Evaluation.countries.through.objects.all()
    return Evaluation.objects.select_related("commissioner", "source").annotate(
        agency_slug=Coalesce("commissioner__parent__slug", "commissioner__slug"),
        agency_name=Coalesce("commissioner__parent__name", "commissioner__name"),
        decade=F("year") / 10 * 10,
        has_ratings=_holds(Rating), has_findings=_holds(Finding), has_recommendations=_holds(Recommendation),
        n_ratings=count_of(Rating.objects.all(), "evaluation"),
        n_findings=count_of(Finding.objects.all(), "evaluation"),
        n_recommendations=count_of(Recommendation.objects.all(), "evaluation"),
        n_countries=count_of(countries, "evaluation"),
    )


def _decades():
    return [(str(decade), label) for decade, label in FACETS[2].choices]


def _years():
    return [(str(year), str(year)) for year in range(1950, 2100)]


class EvaluationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Title contains", method="filter_title")
    agency = django_filters.ModelMultipleChoiceFilter(
        label="Commissioning agency", queryset=Organisation.objects.all(), to_field_name="slug",
        method="filter_agency")
    kind = django_filters.MultipleChoiceFilter(label="Kind", choices=Evaluation.Kind.choices)
    # Choices given as callables: a FilterSet copies its filters for every facet, and a long list each time.
    decade = django_filters.MultipleChoiceFilter(label="Decade", choices=_decades, field_name="decade")
    year = django_filters.MultipleChoiceFilter(label="Year", choices=_years, field_name="year")
    has_ratings = django_filters.MultipleChoiceFilter(label="Has ratings", choices=HOLDS)
    has_findings = django_filters.MultipleChoiceFilter(label="Has findings", choices=HOLDS)
    has_recommendations = django_filters.MultipleChoiceFilter(label="Has recommendations", choices=HOLDS)
    sort = django_filters.OrderingFilter(label="Sort by", fields=(
        ("title", "title"), ("kind", "kind"), ("agency_name", "agency"), ("year", "year"),
        ("n_countries", "countries"), ("n_ratings", "ratings"), ("n_findings", "findings"),
        ("n_recommendations", "recommendations")))

    class Meta:
        model = Evaluation
        fields = []

    def filter_title(self, queryset, name, value):
        words = value.split()
        condition = Q()
        for word in words:
            condition &= Q(title__icontains=word) | Q(code__icontains=word)
        return queryset.filter(condition)

    def filter_agency(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(commissioner__in=value) | Q(commissioner__parent__in=value))


def filtered(request):
    """The EvaluationFilter for this request, and a message when a value is not understood."""
    return bound_filter(EvaluationFilter, request, evaluation_rows())


def ordered(filterset):
    """The filtered rows, sorted as asked, else newest first; title breaks ties."""
    rows = filterset.qs
    if not rows.query.order_by:
        return rows.order_by("-year", "title")
    return rows.order_by(*rows.query.order_by, "title")


def export_row(e):
    return [e.slug, e.code, e.title, e.kind, e.commissioner.slug, e.agency_slug, e.year, e.period_start or "",
            e.period_end or "", e.n_countries, e.n_ratings, e.n_findings, e.n_recommendations,
            "" if e.cost is None else e.cost, e.cost_currency, e.citation]


"""What the list pages share: facets with counts, a removable chip per active filter value, pages
that know their count, and the page's rows as JSON.

The URL is the state: a facet value is a repeated query parameter (`?region=AF&region=ASIA`, any of
them), every link toggles one value and goes back to the first page, so a view built on these
helpers can be bookmarked, shared and reloaded.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import JsonResponse
from django.utils.functional import cached_property


@dataclass(frozen=True)
class Facet:
    """A filter offered as values with counts. `field` is what the list's queryset is grouped by;
    a value's label comes from `label_field` (a region's name) or `choices` (TextChoices pairs)."""

    name: str
    label: str
    field: str
    label_field: str = ""
    choices: tuple = ()
    limit: int = 12


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class FacetCounts:
    facet: Facet
    values: list = field(default_factory=list)
    more: bool = False  # values beyond the facet's limit exist

    @property
    def selected(self):
        return [value for value in self.values if value.selected]


@dataclass(frozen=True)
class Chip:
    label: str
    url: str  # the same list without this value


def address(params, **changes):
    """`params` (a QueryDict) as a query string with `changes` (name -> list of values, [] removes)."""
    params = params.copy()
    for name, values in changes.items():
        params.setlist(name, values)
    params.pop("page", None)
    params.pop("format", None)
    return "?" + params.urlencode()


def _label(facet, row):
    value = row[facet.field]
    if facet.label_field:
        return row[facet.label_field]
    return dict(facet.choices).get(value, str(value))


def facet_counts(request, filterset_class, queryset, facets):
    """Per facet: the values present in the list filtered by every OTHER filter, with how many rows
    each holds, largest first, so that choosing a second value of a facet widens the list (one query
    per facet, counted in the database). Selected values are listed even when none are left."""
    results = []
    for facet in facets:
        others = request.GET.copy()
        selected = [value for value in others.pop(facet.name, []) if value]
        rows = filterset_class(others, queryset=queryset).qs.order_by().values(
            *filter(None, [facet.field, facet.label_field])).annotate(n=Count("pk")).order_by("-n", facet.field)
        rows = [row for row in rows[:facet.limit + 1] if row[facet.field] not in (None, "")]
        counts = FacetCounts(facet, more=len(rows) > facet.limit)
        for row in rows[:facet.limit]:
            value = str(row[facet.field])
            chosen = value in selected
            toggled = [v for v in selected if v != value] if chosen else [*selected, value]
            counts.values.append(FacetValue(value, _label(facet, row), row["n"], chosen,
                                            address(request.GET, **{facet.name: toggled})))
        shown = {value.value for value in counts.values}
        for value in selected:
            if value not in shown:  # chosen, but no row left has it: still listed, to undo
                rest = [v for v in selected if v != value]
                counts.values.append(FacetValue(value, dict(facet.choices).get(value, value), 0, True,
                                                address(request.GET, **{facet.name: rest})))
        results.append(counts)
    return results


def chips(request, facets, labels=None):
    """A chip per active filter value: facet values by their labels, other filters as "Label: value".

    `labels` names the other filters' parameters ({"q": "Text"}); parameters neither a facet nor
    named (page, sort, format) make no chip.
    """
    made = []
    for counts in facets:
        made += [Chip(f"{counts.facet.label}: {value.label}", value.url) for value in counts.selected]
    for name, label in (labels or {}).items():
        for value in request.GET.getlist(name):
            if value:
                rest = [v for v in request.GET.getlist(name) if v != value]
                made.append(Chip(f"{label}: {value}", address(request.GET, **{name: rest})))
    return made


class CountedPaginator(Paginator):
    """A Paginator told its count, when the page's totals have just counted the same rows."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def json_page(request, page, columns, row):
    """The rows of `page` as JSON objects of `columns` (values from `row(record)`), with the count and
    the addresses of the neighbouring pages: what the page shows, for programs."""
    def address(number):
        params = request.GET.copy()
        params["page"] = number
        return request.build_absolute_uri("?" + params.urlencode())
    return JsonResponse({
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "next": address(page.next_page_number()) if page.has_next() else None,
        "previous": address(page.previous_page_number()) if page.has_previous() else None,
        "rows": [dict(zip(columns, row(record))) for record in page.object_list],
    }, json_dumps_params={"ensure_ascii": False})


def wants_json(request):
    return request.GET.get("format") == "json"


def query_string(**params):
    """A query string of `params`, leaving out empty ones: links into a filtered list."""
    return "?" + urlencode({name: value for name, value in params.items() if value not in (None, "")}, doseq=True)

"""The findings list's facets: per filter, the values present in the current selection with how many
findings, lessons and recommendations hold each, counted in the database over all three kinds at once
(one query per facet, whatever the number of records)."""

from django.db import connection
from django.db.models import F, Value

from evalbase.lib.listing import Facet, FacetCounts, FacetValue, address

from .filters import EVIDENCE_PATHS, RESULT_TYPES
from .models import EvidenceKind
from .selectors import matching

KINDS = (("finding", "Finding"), ("lesson", "Lesson"), ("recommendation", "Recommendation"))
FACETS = [
    Facet("type", "Kind of record", "kind", choices=KINDS),
    Facet("evaluation", "Evaluation", "evaluation__slug", label_field="evaluation__title"),
    Facet("criterion", "Criterion", "__code", label_field="__name"),
    Facet("theme", "Theme", "__slug", label_field="__name"),
    Facet("country", "Country", "__iso2", label_field="__name"),
    Facet("evidence_kind", "Evidence kind", "", choices=tuple(EvidenceKind.choices)),
]
FACET_NAMES = [facet.name for facet in FACETS]


def _values(queryset, kind, facet):
    """`queryset` as rows (v: the facet's value, l: its label, pk), one per record and value."""
    if facet.name == "type":
        return queryset.annotate(v=Value(kind), l=Value(kind)).values("v", "l", "pk")
    if facet.name == "evaluation":
        return queryset.annotate(v=F(facet.field), l=F(facet.label_field)).values("v", "l", "pk")
    path = EVIDENCE_PATHS[queryset.model][facet.name]
    if path is None:
        return None
    label = path + facet.label_field if facet.label_field else path
    rows = queryset.annotate(v=F(path + facet.field), l=F(label)).values("v", "l", "pk")
    # Through the findings a recommendation answers, a value can come twice: count the record once.
    return rows.distinct() if "__" in path else rows


def _filtered_but(filters, queryset, facet):
    """`queryset` narrowed by every filter of the (valid) `filters` but `facet`'s, without validating again."""
    for name, value in filters.form.cleaned_data.items():
        if name != facet.name:
            queryset = filters.filters[name].filter(queryset, value)
    return queryset


def _counts(filters, search, facet, selected):
    parts = [_values(matching(_filtered_but(filters, model.objects.all(), facet), search), kind, facet)
             for kind, model in RESULT_TYPES.items()]
    parts = [part.order_by() for part in parts if part is not None and not part.query.is_empty()]
    if not parts:
        return []
    first, *others = parts
    sql, sql_params = first.union(*others, all=True).query.sql_with_params()
    # The values chosen come first, whatever their counts, so that each shows its count and label.
    chosen = f"CASE WHEN v IN ({', '.join(['%s'] * len(selected))}) THEN 0 ELSE 1 END, " if selected else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT v, l, COUNT(*) FROM ({sql}) AS u WHERE v IS NOT NULL AND v <> '' "  # noqa: S608
                       f"GROUP BY v, l ORDER BY {chosen}3 DESC, 1 LIMIT {facet.limit + len(selected) + 1}",
                       [*sql_params, *selected])
        return cursor.fetchall()



def evidence_facets(request, filters, search):
    """FacetCounts per facet for the list filtered by every other filter (so a second value widens it).
    `filters`: the request's bound, valid EvidenceFilter."""
    results = []
    for facet in FACETS:
        selected = [value for value in request.GET.getlist(facet.name) if value]
        rows = _counts(filters, search, facet, selected)
        shown = max(facet.limit, len(selected))
        counts = FacetCounts(facet, more=len(rows) > shown)
        choices = dict(facet.choices)
        for value, label, n in rows[:shown]:
            value = str(value)
            toggled = [v for v in selected if v != value] if value in selected else [*selected, value]
            counts.values.append(FacetValue(value, choices.get(value, label), n, value in selected,
                                            address(request.GET, **{facet.name: toggled})))
        shown = {value.value for value in counts.values}
        for value in selected:
            if value not in shown:  # chosen, but nothing left holds it: still listed, to undo
                rest = [v for v in selected if v != value]
                counts.values.append(FacetValue(value, choices.get(value, value), 0, True,
                                                address(request.GET, **{facet.name: rest})))
        results.append(counts)
    return results


def total(facets):
    """How many records the list holds: the kinds' counts (those chosen, if any) add up to it."""
    kinds = facets[0]
    chosen = kinds.selected
    return sum(value.count for value in (chosen or kinds.values))

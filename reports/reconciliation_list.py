"""The reconciliation page's list: every published figure's reconciliation, narrowed by evaluation,
published table and status (facets with counts, removable chips), sorted by table or by difference,
grouped by evaluation.

The reconciliations are recomputed together (reports.reconciliation) and cached per data version;
filtering, counting and sorting ~200 figures happens in memory, so the page costs the same queries
whatever the filters.
"""

from dataclasses import dataclass

from evalbase.lib.listing import Facet, FacetCounts, FacetValue

from .reconciliation import Status

STATUSES = {Status.MATCH: "Matches", Status.MISMATCH: "Differs", Status.NOT_RECOMPUTABLE: "Not recomputable"}
STATUS_SLUGS = {status.replace(" ", "-"): status for status in STATUSES}
FACETS = [
    Facet("status", "Status", "status_slug", choices=tuple((slug, STATUSES[s]) for slug, s in STATUS_SLUGS.items())),
    Facet("evaluation", "Evaluation", "evaluation"),
    Facet("table", "Published table or section", "table", limit=50),
]
SORTS = {"table": "by evaluation, then table, in the report's order",
         "difference": "largest difference first (relative to the published value)"}


def _value(result, name):
    if name == "evaluation":
        return result.figure.evaluation.slug
    if name == "table":
        return result.figure.source_section or "(no section)"
    return result.status_slug


def _label(results, name, value):
    for result in results:
        if name == "evaluation" and result.figure.evaluation.slug == value:
            return f"{result.figure.evaluation.title} ({result.figure.evaluation.year})"
    return dict(FACETS[0].choices).get(value, value)


@dataclass
class Selection:
    results: list  # the figures kept, sorted
    facets: list  # FacetCounts per facet
    error: str = ""


def _url(params, name, values):
    params = params.copy()
    params.setlist(name, values)
    params.pop("format", None)
    return "?" + params.urlencode()


def problems(params, results):
    """What in the request's filters names nothing that exists (unknown status, evaluation, table, sort)."""
    known = {facet.name: {_value(r, facet.name) for r in results} for facet in FACETS}
    known["status"] |= set(STATUS_SLUGS)
    found = []
    for facet in FACETS:
        for value in params.getlist(facet.name):
            if value and value not in known[facet.name]:
                choices = ", ".join(sorted(known[facet.name]))
                found.append(f"Unknown {facet.label.lower()} “{value}”. Choose one of: {choices}.")
    sort = params.get("sort", "table")
    if sort not in SORTS:
        found.append(f"Unknown sort “{sort}”. Choose one of: {', '.join(SORTS)}.")
    return found


def _kept(results, chosen, but=None):
    return [r for r in results if all(not values or _value(r, name) in values
                                      for name, values in chosen.items() if name != but)]


def _facet(params, results, chosen, facet):
    """The facet's values among the figures kept by the OTHER filters, with their counts (largest first)."""
    counts = {}
    for result in _kept(results, chosen, but=facet.name):
        counts[_value(result, facet.name)] = counts.get(_value(result, facet.name), 0) + 1
    selected = chosen[facet.name]
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0])) if facet.name != "table" else counts.items()
    made = FacetCounts(facet)
    for value, count in [*ordered, *((v, 0) for v in selected if v not in counts)]:
        toggled = [v for v in selected if v != value] if value in selected else [*selected, value]
        made.values.append(FacetValue(value, _label(results, facet.name, value), count, value in selected,
                                      _url(params, facet.name, toggled)))
    return made


def _sort_key(sort, results):
    if sort == "difference":
        return lambda r: (r.relative_difference is None, -(r.relative_difference or 0), r.figure.pk)
    first = {}  # tables in the order the report's figures were transcribed, figures in that order within each
    for result in sorted(results, key=lambda r: r.figure.pk):
        first.setdefault((result.figure.evaluation_id, result.figure.source_section), result.figure.pk)
    return lambda r: (first[(r.figure.evaluation_id, r.figure.source_section)], r.figure.pk)


def select(params, results):
    """The figures `params` (a QueryDict) keep, sorted and grouped by evaluation, with the facets."""
    found = problems(params, results)
    if found:
        return Selection([], [], " ".join(found))
    chosen = {facet.name: [v for v in params.getlist(facet.name) if v] for facet in FACETS}
    facets = [_facet(params, results, chosen, facet) for facet in FACETS]
    kept = _kept(results, chosen)
    order = {}
    for result in results:  # the evaluations in the order given
        order.setdefault(result.figure.evaluation_id, len(order))
    sort = _sort_key(params.get("sort", "table"), results)
    kept.sort(key=lambda r: (order[r.figure.evaluation_id], sort(r)))
    return Selection(kept, facets)


def by_evaluation(results):
    """[(evaluation, [results], {status: count})] in the order given."""
    groups = {}
    for result in results:
        groups.setdefault(result.figure.evaluation, []).append(result)
    return [(evaluation, rows, {status: sum(1 for r in rows if r.status == status) for status in STATUSES})
            for evaluation, rows in groups.items()]

from django.shortcuts import get_object_or_404, render

from evalbase.exports import csv_response, wants_csv

from .models import Rating
from .scales import plain
from .selectors import rating_list

RATING_COLUMNS = ["evaluation", "subject_kind", "subject", "criterion", "raw_value", "not_assessed", "scale",
                  "scale_range", "normalised_0_100", "label", "source"]


def ratings(request):
    rows = rating_list()
    if wants_csv(request):
        return csv_response("ratings", RATING_COLUMNS, (
            [r.evaluation.slug, r.subject_kind, str(r.subject), r.criterion.code,
             "" if r.value is None else plain(r.value), "yes" if r.not_assessed else "no", r.scale.code,
             r.scale.description, "" if r.normalised_value is None else r.normalised_value, r.label, r.citation]
            for r in rows.iterator(chunk_size=2000)
        ))
    return render(request, "ratings/rating_list.html", {"ratings": rows})


def rating_detail(request, pk):
    rating = get_object_or_404(rating_list(), pk=pk)
    findings = rating.supporting_findings.select_related("evaluation", "source")
    return render(request, "ratings/rating_detail.html", {"rating": rating, "findings": findings})

from django.db.models import Prefetch

from .models import Recommendation, ResponsibilityOwner


def recommendation_list():
    return (
        Recommendation.objects.select_related("evaluation", "conclusion", "response", "source")
        .prefetch_related(Prefetch("owners", queryset=ResponsibilityOwner.objects.order_by("name")))
        .order_by("evaluation__title", "number")
    )

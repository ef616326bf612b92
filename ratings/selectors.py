from .models import Rating


def rating_list():
    return Rating.objects.select_related(
        "evaluation", "criterion", "scale", "project", "country", "programme", "source"
    ).order_by("evaluation__title", "subject_kind", "country__name", "project__number", "programme__name",
               "criterion__order")

"""Small helpers shared by the filtered list pages."""

import django_filters


def filter_problems(filterset):
    """`Label: message` for each filter value the FilterSet could not accept (empty when all are fine)."""
    if not filterset.is_bound or filterset.is_valid():
        return []
    form = filterset.form
    return [f"{form.fields[name].label or name}: {' '.join(errors)}" for name, errors in form.errors.items()]


def query_without(request, *names):
    """The page's query string without `format` and `names`, to build sort, page and export links."""
    params = request.GET.copy()
    for name in (*names, "format"):
        params.pop(name, None)
    return params.urlencode()


def pick(queryset, to_field_name, label, unknown, **kwargs):
    """A select of records named in the URL by `to_field_name`; `unknown` explains a bad value."""
    return django_filters.ModelChoiceFilter(
        queryset=queryset, to_field_name=to_field_name, label=label, empty_label="Any",
        error_messages={"invalid_choice": unknown}, **kwargs,
    )


def choose(choices, label, **kwargs):
    return django_filters.ChoiceFilter(choices=choices, label=label, empty_label="Any", **kwargs)

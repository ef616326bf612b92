"""Small helpers shared by the filtered list pages."""

import django_filters


def filter_problems(filterset):
    """`Label: message` for each filter value the FilterSet could not accept (empty when all are fine)."""
    if not filterset.is_bound or filterset.is_valid():
        return []
    form = filterset.form
    return [f"{form.fields[name].label or name}: {' '.join(errors)}" for name, errors in form.errors.items()]


def bound_filter(filterset_class, request, queryset):
    """The FilterSet bound to the request's query, and a message when a value is not understood (a list
    then shows nothing rather than rows that ignore the filter), else None."""
    filterset = filterset_class(request.GET or None, queryset=queryset)
    problems = filter_problems(filterset)
    if problems:
        return filterset, f"Some filters were not understood, so nothing is shown. {'; '.join(problems)}"
    return filterset, None


def pick(queryset, to_field_name, label, unknown, **kwargs):
    """A select of records named in the URL by `to_field_name`; `unknown` explains a bad value."""
    return django_filters.ModelChoiceFilter(
        queryset=queryset, to_field_name=to_field_name, label=label, empty_label="Any",
        error_messages={"invalid_choice": unknown}, **kwargs,
    )


def choose(choices, label, **kwargs):
    return django_filters.ChoiceFilter(choices=choices, label=label, empty_label="Any", **kwargs)

"""Small helpers shared by the filtered list pages."""


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

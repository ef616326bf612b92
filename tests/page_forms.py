"""What a browser sends back from a page's form: its fields as they stand, changed as a test says."""


def filled_in(response, *names, **changes):
    """The data of the forms and formsets named in `response.context` (default: "form"), unchanged,
    then updated with `changes` (field name -> value; None drops the field)."""
    data = {}
    for name in names or ("form",):
        form = response.context[name]
        for part in [form.management_form, *form.forms] if hasattr(form, "forms") else [form]:
            data.update(_fields(part))
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def _fields(form):
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)
    return data

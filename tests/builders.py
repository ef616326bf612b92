"""Small builders for unit tests: each makes a valid record, keyword arguments override."""

import csv
import io
from decimal import Decimal
from itertools import count

from evaluations.models import Evaluation
from projects.models import Allotment, Programme, Project
from ratings.models import Rating
from reference.models import Country, Criterion, Organisation, RatingScale, Region

_serial = count(1)


def make_organisation(**kwargs):
    n = next(_serial)
    kwargs.setdefault("slug", f"org-{n}")
    kwargs.setdefault("name", f"Organisation {n}")
    kwargs.setdefault("kind", Organisation.Kind.AGENCY)
    return Organisation.objects.create(**kwargs)


def make_evaluation(**kwargs):
    n = next(_serial)
    kwargs.setdefault("slug", f"evaluation-{n}")
    kwargs.setdefault("title", f"Evaluation {n}")
    kwargs.setdefault("kind", Evaluation.Kind.THEMATIC)
    kwargs.setdefault("year", 2020)
    if "commissioner" not in kwargs:
        kwargs["commissioner"] = make_organisation()
    return Evaluation.objects.create(**kwargs)


def make_programme(**kwargs):
    n = next(_serial)
    kwargs.setdefault("slug", f"programme-{n}")
    kwargs.setdefault("name", f"Programme {n}")
    if "organisation" not in kwargs:
        kwargs["organisation"] = make_organisation()
    return Programme.objects.create(**kwargs)


def make_project(*, lines=1, amount="1000", expenditure="500", status="closed", **kwargs):
    """A project with `lines` allotment lines of `amount` USD each."""
    n = next(_serial)
    kwargs.setdefault("number", f"TEST{n:06d}")
    if "programme" not in kwargs:
        kwargs["programme"] = make_programme()
    kwargs.setdefault("country", Country.objects.get(iso2="SN"))
    kwargs.setdefault("region", Region.objects.get(code="AF"))
    kwargs.setdefault("approach", "networking")
    kwargs.setdefault("start_year", 2005)
    kwargs.setdefault("status", status)
    project = Project.objects.create(**kwargs)
    for i in range(lines):
        make_allotment(project=project, amount=amount, expenditure=expenditure, status=status,
                       number=f"{project.number}L{i}")
    return project


def make_allotment(**kwargs):
    n = next(_serial)
    kwargs.setdefault("number", f"LINE{n:06d}")
    kwargs.setdefault("printed_number", kwargs["number"])
    kwargs.setdefault("line", n)
    kwargs.setdefault("year", 2005)
    kwargs.setdefault("project_type", "pilot_project")
    kwargs.setdefault("status", "closed")
    kwargs["amount"] = Decimal(kwargs.get("amount", "1000"))
    kwargs["expenditure"] = Decimal(kwargs.get("expenditure", "500"))
    return Allotment.objects.create(**kwargs)


def make_rating(**kwargs):
    if "evaluation" not in kwargs:
        kwargs["evaluation"] = make_evaluation()
    kwargs.setdefault("criterion", Criterion.objects.get(code="relevance"))
    kwargs.setdefault("scale", RatingScale.objects.get(code="unido-table8"))
    if not any(k in kwargs for k in ("project", "country", "programme")):
        kwargs["country"] = Country.objects.get(iso2="FR")
    kwargs.setdefault("subject_kind", "project" if "project" in kwargs else
                      "programme" if "programme" in kwargs else "country")
    kwargs.setdefault("value", Decimal("3"))
    return Rating(**kwargs)


def admin_form_data(response):
    """What a browser would send back from an admin form page, the form and its inlines unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def read_csv(response):
    """The rows of a (streamed) CSV download as dicts."""
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

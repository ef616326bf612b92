"""Builders for tests: each makes one valid record; keyword arguments override any field.

`make_*` saves the record; `build_*` returns it unsaved (to test `clean()` or a form). Records that
need others (a rating needs an evaluation, a scale...) make their own unless given. Reference data
(countries, regions, the OECD-DAC criteria) is in every test database (tests/conftest.py).
"""

import csv
import io
from decimal import Decimal
from itertools import count

from evaluations.models import Evaluation, PublishedFigure
from findings.models import (
    Action,
    Conclusion,
    Finding,
    Lesson,
    ManagementResponse,
    QuantitativeEvidence,
    Recommendation,
    ResponsibilityOwner,
)
from projects.models import Allotment, Programme, Project
from projects.services import refresh_totals
from ratings.models import Rating
from reference.models import Country, Criterion, Organisation, RatingScale, Region, ScaleLevel, SourceDocument, Theme

_serial = count(1)


def _next():
    return next(_serial)


def make_source_document(**kwargs):
    n = _next()
    kwargs.setdefault("file_name", f"{n:03d}_report.txt")
    kwargs.setdefault("title", f"Report {n}")
    return SourceDocument.objects.create(**kwargs)


def cited(document=None, section="Chapter 1", locator="paragraph 1 (line 1)"):
    """The citation fields of a transcribed record: `make_finding(**cited())`."""
    return {"source": document or make_source_document(), "source_section": section, "source_locator": locator}


def make_organisation(**kwargs):
    n = _next()
    kwargs.setdefault("slug", f"org-{n}")
    kwargs.setdefault("name", f"Organisation {n}")
    kwargs.setdefault("kind", Organisation.Kind.AGENCY)
    return Organisation.objects.create(**kwargs)


def make_theme(**kwargs):
    n = _next()
    kwargs.setdefault("slug", f"theme-{n}")
    kwargs.setdefault("name", f"Theme {n}")
    return Theme.objects.create(**kwargs)


def criterion(code):
    """One of the reference criteria: relevance, coherence, effectiveness, efficiency, impact, sustainability."""
    return Criterion.objects.get(code=code)


def country(iso2):
    return Country.objects.get(iso2=iso2)


def region(code):
    return Region.objects.get(code=code)


def make_scale(*, levels=None, **kwargs):
    """A 1-4 scale, 4 best, unless told otherwise; `levels` maps values to labels."""
    n = _next()
    kwargs.setdefault("code", f"scale-{n}")
    kwargs.setdefault("name", f"Scale {n}")
    kwargs.setdefault("minimum", Decimal("1"))
    kwargs.setdefault("maximum", Decimal("4"))
    kwargs.setdefault("best_is_high", True)
    scale = RatingScale.objects.create(**kwargs)
    for value, label in (levels or {}).items():
        ScaleLevel.objects.create(scale=scale, value=Decimal(value), label=label)
    return scale


def make_evaluation(*, countries=(), **kwargs):
    n = _next()
    kwargs.setdefault("slug", f"evaluation-{n}")
    kwargs.setdefault("title", f"Evaluation {n}")
    kwargs.setdefault("kind", Evaluation.Kind.THEMATIC)
    kwargs.setdefault("year", 2020)
    if "commissioner" not in kwargs:
        kwargs["commissioner"] = make_organisation()
    evaluation = Evaluation.objects.create(**kwargs)
    evaluation.countries.set(countries)
    return evaluation


def make_programme(*, evaluations=(), **kwargs):
    n = _next()
    kwargs.setdefault("slug", f"programme-{n}")
    kwargs.setdefault("name", f"Programme {n}")
    if "organisation" not in kwargs:
        kwargs["organisation"] = make_organisation()
    programme = Programme.objects.create(**kwargs)
    programme.evaluations.set(evaluations)
    return programme


def make_project(*, lines=1, amount="1000", expenditure="500", status="closed", currency="USD", **kwargs):
    """A project with `lines` allotment lines of `amount` each in `currency`."""
    n = _next()
    kwargs.setdefault("number", f"TEST{n:06d}")
    if "programme" not in kwargs:
        kwargs["programme"] = make_programme()
    kwargs.setdefault("country", country("SN"))
    kwargs.setdefault("region", region("AF"))
    kwargs.setdefault("approach", "networking")
    kwargs.setdefault("start_year", 2005)
    kwargs.setdefault("status", status)
    project = Project.objects.create(**kwargs)
    for i in range(lines):
        make_allotment(project=project, amount=amount, expenditure=expenditure, status=status, currency=currency,
                       number=f"{project.number}L{i}")
    project.refresh_from_db()  # its stored totals
    return project


def make_allotment(**kwargs):
    n = _next()
    kwargs.setdefault("number", f"LINE{n:06d}")
    kwargs.setdefault("printed_number", kwargs["number"])
    kwargs.setdefault("line", n)
    kwargs.setdefault("year", 2005)
    kwargs.setdefault("project_type", "pilot_project")
    kwargs.setdefault("status", "closed")
    kwargs["amount"] = Decimal(kwargs.get("amount", "1000"))
    kwargs["expenditure"] = Decimal(kwargs.get("expenditure", "500"))
    allotment = Allotment.objects.create(**kwargs)
    refresh_totals([allotment.project_id])  # as every write of lines does
    return allotment


def build_rating(**kwargs):
    """An unsaved rating, by default of a country portfolio on relevance: 3 on a fresh 1-4 scale.

    Without an evaluation given, one is made whose scope holds the subject (its country, or the
    programme of the project or programme rated).
    """
    if not any(k in kwargs for k in ("project", "country", "programme")):
        kwargs["country"] = country("FR")
    kwargs.setdefault("subject_kind", "project" if "project" in kwargs else
                      "programme" if "programme" in kwargs else "country")
    if "evaluation" not in kwargs:
        kwargs["evaluation"] = make_evaluation(countries=[kwargs["country"]] if "country" in kwargs else [])
        programme = kwargs["project"].programme if "project" in kwargs else kwargs.get("programme")
        if programme is not None:
            programme.evaluations.add(kwargs["evaluation"])
    kwargs.setdefault("criterion", criterion("relevance"))
    if "scale" not in kwargs:
        kwargs["scale"] = make_scale(not_assessed_value=Decimal("0"))
    kwargs.setdefault("value", Decimal("3"))
    return Rating(**kwargs)


def make_rating(**kwargs):
    rating = build_rating(**kwargs)
    rating.save()
    return rating


def make_finding(*, criteria=(), themes=(), countries=(), **kwargs):
    if "evaluation" not in kwargs:
        kwargs["evaluation"] = make_evaluation()
    n = _next()
    kwargs.setdefault("code", f"F{n}")
    kwargs.setdefault("title", f"Finding {n}")
    kwargs.setdefault("text", f"Clusters in finding {n} grew their exports.")
    kwargs.setdefault("evidence_kind", "field_evaluation")
    finding = Finding.objects.create(**kwargs)
    finding.criteria.set(criteria)
    finding.themes.set(themes)
    finding.countries.set(countries)
    return finding


def make_evidence(**kwargs):
    """Quantitative evidence: 43 % of 55 certified carpenters, unless told otherwise."""
    if "finding" not in kwargs:
        kwargs["finding"] = make_finding()
    kwargs.setdefault("indicator", "Certified carpenters reporting increased sales")
    kwargs.setdefault("value", Decimal("43"))
    kwargs.setdefault("unit", "%")
    kwargs.setdefault("base", "55 certified carpenters")
    return QuantitativeEvidence.objects.create(**kwargs)


def make_lesson(*, criteria=(), themes=(), **kwargs):
    if "evaluation" not in kwargs:
        kwargs["evaluation"] = make_evaluation()
    kwargs.setdefault("number", Lesson.objects.filter(evaluation=kwargs["evaluation"]).count() + 1)
    kwargs.setdefault("title", f"Lesson {kwargs['number']}")
    kwargs.setdefault("text", "Local ownership makes clusters last.")
    lesson = Lesson.objects.create(**kwargs)
    lesson.criteria.set(criteria)
    lesson.themes.set(themes)
    return lesson


def make_conclusion(*, findings=(), **kwargs):
    if "evaluation" not in kwargs:
        kwargs["evaluation"] = make_evaluation()
    kwargs.setdefault("number", Conclusion.objects.filter(evaluation=kwargs["evaluation"]).count() + 1)
    kwargs.setdefault("text", "The approach works where institutions anchor it.")
    conclusion = Conclusion.objects.create(**kwargs)
    conclusion.findings.set(findings)
    return conclusion


def make_owner(name=None, **kwargs):
    return ResponsibilityOwner.objects.create(name=name or f"Owner {_next()}", **kwargs)


def make_recommendation(*, owners=(), findings=(), themes=(), **kwargs):
    """A recommendation, numbered after the evaluation's others; `owners` are names or owners."""
    if "evaluation" not in kwargs:
        kwargs["evaluation"] = make_evaluation()
    kwargs.setdefault("number", Recommendation.objects.filter(evaluation=kwargs["evaluation"]).count() + 1)
    kwargs.setdefault("text", "Strengthen the monitoring of cluster projects.")
    recommendation = Recommendation.objects.create(**kwargs)
    recommendation.owners.set([ResponsibilityOwner.objects.get_or_create(name=o)[0] if isinstance(o, str) else o
                               for o in owners])
    recommendation.findings.set(findings)
    recommendation.themes.set(themes)
    return recommendation


def make_response(recommendation=None, *, actions=(), **kwargs):
    """A management response ("agrees" unless told otherwise) with `actions` (descriptions)."""
    kwargs.setdefault("stance", ManagementResponse.Stance.AGREES)
    response = ManagementResponse.objects.create(recommendation=recommendation or make_recommendation(), **kwargs)
    for description in actions:
        Action.objects.create(response=response, description=description)
    return response


def make_published_figure(**kwargs):
    if "evaluation" not in kwargs:
        kwargs["evaluation"] = make_evaluation()
    n = _next()
    kwargs.setdefault("key", f"figure-{n}")
    kwargs.setdefault("label", f"Figure {n}")
    kwargs.setdefault("measure", "projects")
    kwargs.setdefault("value", Decimal("1"))
    kwargs.setdefault("unit", PublishedFigure.Unit.COUNT)
    return PublishedFigure.objects.create(**kwargs)


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

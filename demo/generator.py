"""Synthetic portfolios for demonstrations and benchmarks, written through the models in bulk.

Everything made here hangs off organisations whose slug starts with `synthetic-`: their
evaluations, programmes, projects, ratings, findings and recommendations. Nothing cites a source
document, every title says "Synthetic", the transcribed reports are never touched, and
`remove()` deletes exactly what `generate()` made. History is not recorded for synthetic rows
(bulk writes), and the stored project totals are computed once at the end.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from evaluations.models import Evaluation, Participation, PublishedFigure
from findings.models import (
    Action,
    Finding,
    FindingCriterion,
    ManagementResponse,
    QuantitativeEvidence,
    Recommendation,
    ResponsibilityOwner,
)
from projects.models import Allotment, Approach, Programme, Project, ProjectType, Status, project_status
from projects.selectors import allotments_of, totals_by_currency
from projects.services import refresh_totals
from ratings.models import Rating
from reference.models import Country, Criterion, Organisation, RatingScale, Region, ScaleLevel, Theme

PREFIX = "synthetic-"
BATCH = 5000
# About 60 countries by reporting region; an international project has no country.
COUNTRIES = {
    "AF": "DZ AO BF BI CM CI CD EG ET GH GN KE LS MG MW ML MA MZ NA NE NG RW SN ZA SD TZ TN UG ZM ZW",
    "ASIA": "AF BD KH CN IN ID IR JO KG LA LB MN MM NP PK PH LK TJ TH VN",
    "LA": "AR BO BR CL CO CR CU DO EC SV GT HN MX NI PA PY PE UY VE",
}
CURRENCIES = [("USD", 0.9), ("EUR", 0.07), ("CHF", 0.03)]
WORDS = {
    "sector": ["textile", "leather", "agro-food", "dairy", "furniture", "software", "tourism", "fisheries",
               "coffee", "cocoa", "handicraft", "automotive parts", "metalworking", "forestry", "spices"],
    "action": ["Upgrading", "Networking", "Export consortia for", "Cluster development in", "Market access for",
               "Skills for", "Value chain support to", "Quality infrastructure for"],
    "result": ["raised exports", "formed lasting networks", "improved product quality", "created decent jobs",
               "won access to finance", "adopted cleaner production", "reached new buyers",
               "certified their workers", "shared testing facilities"],
    "caveat": ["although monitoring was weak", "where local institutions took ownership",
               "but the exit strategy came late", "with strong support from the ministry",
               "despite a small budget", "once a cluster broker was in place"],
}


@dataclass
class Generated:
    organisations: int = 0
    evaluations: int = 0
    programmes: int = 0
    projects: int = 0
    allotments: int = 0
    ratings: int = 0
    findings: int = 0
    recommendations: int = 0
    figures: int = 0

    def __str__(self):
        return ", ".join(f"{value:,} {name}" for name, value in vars(self).items())


def _chunks(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _Generator:
    def __init__(self, *, projects, seed, progress):
        self.random = random.Random(seed)
        self.total_projects = projects
        self.progress = progress
        self.counts = Generated()
        self.countries = {code: list(Country.objects.filter(iso2__in=codes.split())) for code, codes in
                          COUNTRIES.items()}
        self.regions = {r.code: r for r in Region.objects.all()}
        self.criteria = list(Criterion.objects.filter(kind=Criterion.Kind.OECD_DAC))
        self.themes = list(Theme.objects.all()) or [Theme.objects.create(slug=f"{PREFIX}theme", name="Clusters")]

    def pick(self, weighted):
        return self.random.choices([v for v, _ in weighted], [w for _, w in weighted])[0]

    def bulk(self, model, rows, label):
        for chunk in self.progress(list(_chunks(rows)), desc=label, unit="batch"):
            model.objects.bulk_create(chunk, batch_size=BATCH)
        return rows

    # -- the portfolio ---------------------------------------------------------------------------

    def organisations(self):
        agencies = []
        for letter in "ABCDE":
            agency = Organisation.objects.create(slug=f"{PREFIX}agency-{letter.lower()}", kind="agency",
                                                 name=f"Synthetic Agency {letter}", short_name=f"SYN-{letter}")
            Organisation.objects.create(slug=f"{PREFIX}agency-{letter.lower()}-evaluation", kind="unit",
                                        name=f"Synthetic Agency {letter} Evaluation Office", parent=agency)
            agencies.append(agency)
        self.counts.organisations = 10
        return agencies

    def evaluations(self, agencies):
        all_countries = [c for countries in self.countries.values() for c in countries]
        evaluations, programmes = [], []
        for agency in agencies:
            scale = self.scale(agency)
            for n in range(1, self.random.randint(3, 6) + 1):
                year = self.random.randint(1998, 2025)
                evaluation = Evaluation.objects.create(
                    slug=f"{agency.slug}-evaluation-{n}", title=f"Synthetic evaluation {n} of {agency.name}",
                    kind=self.random.choice(Evaluation.Kind.values), commissioner=agency, year=year,
                    period_start=year - self.random.randint(5, 15), period_end=year - 1,
                    summary="Synthetic data made by `manage.py generate_demo_data`: not evidence.")
                evaluation.countries.set(self.random.sample(all_countries, 25))
                Participation.objects.create(evaluation=evaluation, organisation=agency, role="commissioner")
                evaluation.scale = scale
                evaluations.append(evaluation)
                for m in range(1, self.random.randint(1, 3) + 1):
                    programme = Programme.objects.create(
                        slug=f"{evaluation.slug}-programme-{m}", organisation=agency,
                        name=f"Synthetic programme {m} of {evaluation.title.lower()}")
                    programme.evaluations.add(evaluation)
                    programme.evaluation = evaluation
                    programmes.append(programme)
        self.counts.evaluations, self.counts.programmes = len(evaluations), len(programmes)
        return evaluations, programmes

    def scale(self, agency):
        """Each agency rates on its own scale: some 1-4 best high, some 1-6 best low, with a "not assessed" code."""
        high = self.random.random() < 0.6
        maximum = Decimal(4 if high else 6)
        scale = RatingScale.objects.create(code=f"{agency.slug}-scale", name=f"{agency.short_name} rating scale",
                                           minimum=Decimal(1), maximum=maximum, best_is_high=high,
                                           not_assessed_value=Decimal(0))
        ScaleLevel.objects.bulk_create([ScaleLevel(scale=scale, value=Decimal(v), label=f"level {v}")
                                        for v in range(1, int(maximum) + 1)])
        return scale

    def projects(self, programmes):
        """Projects with their lines and ratings, a batch at a time so that memory stays flat."""
        numbers = range(1, self.total_projects + 1)
        for start in self.progress(range(0, len(numbers), BATCH), desc="projects", unit="batch"):
            projects, lines = [], []
            for n in numbers[start:start + BATCH]:
                project, project_lines = self.project(n, self.random.choice(programmes))
                projects.append(project)
                lines += project_lines
            Project.objects.bulk_create(projects, batch_size=BATCH)
            for line in lines:
                line.project_id = line.project.pk
            Allotment.objects.bulk_create(lines, batch_size=BATCH)
            self.ratings(projects)
            self.counts.projects += len(projects)
            self.counts.allotments += len(lines)

    def project(self, n, programme):
        """An unsaved project and its 1-4 lines, amounts log-normal (median about 150,000)."""
        region = self.pick([("AF", 0.35), ("ASIA", 0.25), ("LA", 0.25), ("INT", 0.15)])
        start = self.random.randint(1995, 2024)
        number = f"SYN{n:08d}"
        project = Project(number=number, programme=programme, region=self.regions[region],
                          country=self.random.choice(self.countries[region]) if region != "INT" else None,
                          approach=self.random.choice(Approach.values), start_year=start,
                          title=f"Synthetic: {self.random.choice(WORDS['action'])} "
                                f"{self.random.choice(WORDS['sector'])} firms")
        currency = self.pick(CURRENCIES)
        lines = []
        for i in range(self.pick([(1, 0.4), (2, 0.35), (3, 0.15), (4, 0.1)])):
            # About 1 project in 100 also has a line in another currency.
            line_currency = currency if self.random.random() > 0.01 else self.pick(CURRENCIES)
            amount = Decimal(round(math.exp(self.random.gauss(11.9, 1.2)), 2))
            status = self.pick([(Status.CLOSED, 0.6), (Status.ONGOING, 0.38), (Status.NOT_STATED, 0.02)])
            lines.append(Allotment(
                project=project, line=i + 1, number=f"{number}L{i + 1}", printed_number=f"{number}/{i + 1}",
                year=start + i, project_type=self.random.choice(ProjectType.values), status=status,
                currency=line_currency, amount=amount,
                expenditure=(amount * Decimal(self.random.betavariate(5, 1.5))).quantize(Decimal("0.01"))))
        project.status = project_status([line.status for line in lines])
        return project, lines

    def ratings(self, projects):
        """About 40 % of projects rated on every OECD-DAC criterion; some cells "not assessed"."""
        ratings = []
        for project in projects:
            if self.random.random() > 0.4:
                continue
            evaluation = project.programme.evaluation
            scale = evaluation.scale
            for criterion in self.criteria:
                assessed = self.random.random() > 0.08
                value = Decimal(self.random.randint(1, int(scale.maximum))) if assessed else None
                ratings.append(Rating(evaluation=evaluation, subject_kind="project", project=project,
                                      criterion=criterion, scale=scale, value=value, not_assessed=not assessed,
                                      version=1))
        Rating.objects.bulk_create(ratings, batch_size=BATCH)
        self.counts.ratings += len(ratings)

    def sentence(self):
        return (f"{self.random.choice(WORDS['sector']).capitalize()} firms in the clusters "
                f"{self.random.choice(WORDS['result'])}, {self.random.choice(WORDS['caveat'])}.")

    def findings(self, evaluations):
        findings, tags, evidence = [], [], []
        per_evaluation = max(1, self.total_projects // 20 // len(evaluations))
        for evaluation in evaluations:
            countries = list(evaluation.countries.all())
            for n in range(1, per_evaluation + 1):
                finding = Finding(evaluation=evaluation, code=f"S{n:05d}", title=f"Synthetic finding {n}",
                                  text=" ".join(self.sentence() for _ in range(self.random.randint(2, 5))),
                                  evidence_kind=self.random.choice(["field_evaluation", "survey", "desk_review"]))
                findings.append(finding)
                finding.tag_countries = self.random.sample(countries, self.random.randint(0, 3))
                finding.tag_criteria = self.random.sample(self.criteria, self.random.randint(0, 2))
        self.bulk(Finding, findings, "saving findings")
        for finding in findings:
            tags += [FindingCriterion(finding=finding, criterion=c, inferred=self.random.random() < 0.3)
                     for c in finding.tag_criteria]
            if self.random.random() < 0.2:
                evidence.append(QuantitativeEvidence(finding=finding, indicator="Firms reporting higher sales",
                                                     value=Decimal(self.random.randint(10, 90)), unit="%",
                                                     base="surveyed firms"))
        self.bulk(FindingCriterion, tags, "tagging findings")
        self.bulk(QuantitativeEvidence, evidence, "saving evidence")
        Through = Finding.countries.through
        self.bulk(Through, [Through(finding=f, country=c) for f in findings for c in f.tag_countries], "countries")
        Themes = Finding.themes.through
        self.bulk(Themes, [Themes(finding=f, theme=self.random.choice(self.themes)) for f in findings], "themes")
        self.counts.findings = len(findings)

    def recommendations(self, evaluations):
        owners = [ResponsibilityOwner.objects.get_or_create(name=f"Synthetic {name}")[0]
                  for name in ("Management", "Country offices", "Donors", "Partner governments", "Cluster unit")]
        recommendations = []
        per_evaluation = max(1, self.total_projects // 100 // len(evaluations))
        today = timezone.localdate()
        for evaluation in evaluations:
            for n in range(1, per_evaluation + 1):
                status = self.pick([("open", 0.4), ("in_progress", 0.3), ("implemented", 0.2), ("not_accepted", 0.1)])
                recommendations.append(Recommendation(
                    evaluation=evaluation, number=n, text=f"Synthetic recommendation: {self.sentence()}",
                    status=status, version=1, due_date=today + timedelta(days=self.random.randint(-900, 700)),
                    implementation_note="Synthetic note of the actions taken." if status == "implemented" else ""))
        self.bulk(Recommendation, recommendations, "saving recommendations")
        Owners = Recommendation.owners.through
        self.bulk(Owners, [Owners(recommendation=r, responsibilityowner=o) for r in recommendations
                           for o in self.random.sample(owners, self.random.randint(1, 2))], "owners")
        responses = [ManagementResponse(recommendation=r, stance=self.random.choice(ManagementResponse.Stance.values),
                                        text="Synthetic management response.", date=date(r.evaluation.year, 6, 30))
                     for r in recommendations if self.random.random() < 0.7]
        self.bulk(ManagementResponse, responses, "saving responses")
        self.bulk(Action, [Action(response=r, description="Synthetic action.") for r in responses], "actions")
        self.counts.recommendations = len(recommendations)

    def figures(self, evaluations):
        """Published figures that reconcile: the number of projects and the US dollar allotment of each
        evaluation's programmes, as a report would print them, computed from the lines just made."""
        figures = []
        for evaluation in evaluations:
            lines = allotments_of(Project.objects.filter(programme__evaluations=evaluation))
            usd = next((row for row in totals_by_currency(lines) if row["currency"] == "USD"), None)
            if usd is None:
                continue
            projects = lines.values("project").distinct().count()  # with a line in any currency
            figures += [
                PublishedFigure(evaluation=evaluation, key="projects", label="Number of projects", measure="projects",
                                value=projects, printed_value=f"{projects:,}", unit="count"),
                PublishedFigure(evaluation=evaluation, key="allotment-usd", label="Total allotment (USD)",
                                measure="allotment_usd", value=usd["allotment"],
                                printed_value=f"{usd['allotment']:,.0f}", unit="USD"),
            ]
        PublishedFigure.objects.bulk_create(figures)
        self.counts.figures = len(figures)


def _quiet(iterable, **_):
    return iterable


def generate(*, projects, seed=1, progress=_quiet):
    """Make a synthetic portfolio of `projects` projects with its evidence; returns what was made.

    `progress` wraps long loops (e.g. tqdm). All or nothing: one transaction.
    """
    if Organisation.objects.filter(slug__startswith=PREFIX).exists():
        raise ValueError("Synthetic data is already there: remove it first (generate_demo_data --remove).")
    generator = _Generator(projects=projects, seed=seed, progress=progress)
    with transaction.atomic():
        agencies = generator.organisations()
        evaluations, programmes = generator.evaluations(agencies)
        generator.projects(programmes)
        generator.findings(evaluations)
        generator.recommendations(evaluations)
        refresh_totals(Project.objects.filter(number__startswith="SYN"))
        generator.figures(evaluations)
    return generator.counts


@transaction.atomic
def remove():
    """Delete every synthetic record; returns how many synthetic evaluations there were.

    The largest tables are emptied in the database without loading their rows (a million
    projects would not fit in memory, and synthetic rows have no history to record); the rest
    goes through the ORM, which follows the relations.
    """
    evaluations = Evaluation.objects.filter(commissioner__slug__startswith=PREFIX)
    count = evaluations.count()
    Rating.supporting_findings.through.objects.filter(rating__evaluation__in=evaluations).delete()
    for model, lookup in [(Rating, "evaluation__in"), (Allotment, "project__programme__organisation__slug__startswith"),
                          (Project, "programme__organisation__slug__startswith")]:
        value = evaluations if lookup == "evaluation__in" else PREFIX
        queryset = model.objects.filter(**{lookup: value})
        queryset._raw_delete(queryset.db)
    Recommendation.objects.filter(evaluation__in=evaluations).delete()
    ResponsibilityOwner.objects.filter(name__startswith="Synthetic ", recommendations__isnull=True).delete()
    Finding.objects.filter(evaluation__in=evaluations).delete()
    Programme.objects.filter(organisation__slug__startswith=PREFIX).delete()
    evaluations.delete()
    RatingScale.objects.filter(code__startswith=PREFIX).delete()
    Organisation.objects.filter(slug__startswith=PREFIX, parent__isnull=False).delete()
    Organisation.objects.filter(slug__startswith=PREFIX).delete()
    Theme.objects.filter(slug__startswith=PREFIX).delete()
    return count

"""The fixture format, one declaration per section: its keys, which are required, their types and
vocabularies, nested records and how each record cites its source.

The loader checks every file against these declarations before it touches the database, and the
reference part of fixtures/README.md is generated from them (`manage.py describe_fixture_format`).
Lengths and vocabularies are read from the models, so a value the database cannot hold is refused
here, naming the file, the record and the key.
"""

from dataclasses import dataclass

from evaluations.models import DataQualityNote, Dimension, Evaluation, Measure, Participation, PublishedFigure
from findings.models import (
    Action,
    ApproachComparison,
    EvidenceKind,
    Finding,
    Lesson,
    ManagementResponse,
    QuantitativeEvidence,
    Recommendation,
    ResponsibilityOwner,
)
from projects.models import Allotment, Approach, Programme, Project, ProjectType, Status
from ratings.models import Rating
from reference.models import (
    Cited,
    Country,
    Criterion,
    Organisation,
    RatingScale,
    Region,
    ScaleLevel,
    SourceDocument,
    Theme,
)

from .fields import Boolean, Date, Integer, ListOf, Nested, Number, Ref, Text, choice, slug_of, text_of
from .records import CITED, MAY_CITE, Key, Record

YEAR = Integer(minimum=1900, maximum=2100, what="year")
COUNTRY = Text(pattern=r"[A-Za-z]{2}", what="country code (ISO 3166 alpha-2, e.g. `PE`)")
CURRENCY = Text(pattern=r"[A-Z]{3}", what="currency code (ISO 4217, e.g. `CHF`)")
TEXT = Text()


def ref(kind, model, field_name):
    return Ref(kind, text_of(model, field_name))


ORGANISATION_SLUG = ref("organisation slug", Organisation, "slug")
CRITERION_CODE = ref("criterion code", Criterion, "code")
THEME_SLUG = Ref("theme slug")
FINDING_CODE = ref("finding code", Finding, "code")

SOURCE = Record("source", keys=(
    Key("section", text_of(Cited, "source_section"), required=True,
        help='the table, annex, chapter or section heading as the report names it ("Table 8", "Annex 3")'),
    Key("locator", text_of(Cited, "source_locator"),
        help='the row, column, paragraph or bullet inside it ("row 12 (NCSEN97003)", "paragraph 2")'),
))


def record(name, **options):
    """A Record whose citation, if it has one, is a SOURCE mapping."""
    return Record(name, source=SOURCE, **options)


PERIOD = record("period", keys=(
    Key("start", YEAR, required=True, help="first year"),
    Key("end", YEAR, required=True, help="last year"),
))
MONEY = record("money", keys=(
    Key("amount", Number(), required=True),
    Key("currency", CURRENCY, required=True),
))


@dataclass(frozen=True)
class Section:
    """A top-level key of a report file: one record (`many=False`) or a list of records.

    `shared`: its records are matched across all reports (an organisation named by two reports is
    one organisation); otherwise within the report's evaluation.
    """

    name: str
    record: Record
    help: str
    many: bool = True
    shared: bool = False


DOCUMENT = Section("document", record("document", matched_on=("file",), keys=(
    Key("file", text_of(SourceDocument, "file_name"), required=True,
        help="the seed file; named once here and stored on every record as its source"),
    Key("title", text_of(SourceDocument, "title"), required=True, help="the report's title as printed"),
    Key("year", YEAR, help="year of publication"),
)), help="The seed file this report is transcribed from. Required in the file that defines the evaluation.",
    many=False)

ORGANISATIONS = Section("organisations", record(
    "organisation", label=("slug",), matched_on=("slug",), citation=CITED, keys=(
        Key("slug", slug_of(Organisation, "slug"), required=True,
            help="the same slug in two reports is the same organisation"),
        Key("name", text_of(Organisation, "name"), required=True, help="full name as printed"),
        Key("short_name", text_of(Organisation, "short_name"), help="abbreviation as printed"),
        Key("kind", choice(Organisation.Kind), required=True),
        Key("parent", ORGANISATION_SLUG, help="the organisation this unit belongs to (from any report)"),
        Key("description", TEXT),
    )), shared=True,
    help="Organisations named by the report, loaded from all reports before anything else. The first report "
         "that names one gives its citation.")

PARTICIPANT = record("participant", label=("organisation", "role"), matched_on=("organisation", "role"),
                     citation=CITED, keys=(
    Key("organisation", ORGANISATION_SLUG, required=True),
    Key("role", choice(Participation.Role), required=True),
))

EVALUATION = Section("evaluation", record("evaluation", label=("slug",), matched_on=("slug",), citation=CITED, keys=(
    Key("slug", slug_of(Evaluation, "slug"), required=True, help="identifies the evaluation"),
    Key("code", text_of(Evaluation, "code"), help="the report's own reference (ODG/EVA/10/R.11)"),
    Key("title", text_of(Evaluation, "title"), required=True),
    Key("kind", choice(Evaluation.Kind), required=True),
    Key("year", YEAR, required=True),
    Key("date", Date(), help="only if the text gives a date (a month: its first day, said in `date_note`)"),
    Key("date_note", text_of(Evaluation, "date_note"), help="where the date comes from"),
    Key("period", Nested(PERIOD), help="the years the evaluation covers"),
    Key("commissioner", ORGANISATION_SLUG, required=True),
    Key("participants", ListOf(Nested(PARTICIPANT)), help="the roles organisations played in it"),
    Key("team", TEXT, help="the people as named"),
    Key("methodology", TEXT),
    Key("summary", TEXT),
    Key("countries", ListOf(COUNTRY), help="countries in scope"),
    Key("scope_note", TEXT, help="scope the country list cannot hold"),
    Key("cost", Nested(MONEY), help="what the evaluation cost, as printed"),
)),
    help="The evaluation (the report). Defined in one file; the other files of a report name it by its "
         "slug (`evaluation: unido-cnd-2010`).", many=False)

PROGRAMMES = Section("programmes", record(
    "programme", label=("slug",), matched_on=("slug",), citation=CITED, keys=(
        Key("slug", slug_of(Programme, "slug"), required=True),
        Key("name", text_of(Programme, "name"), required=True),
        Key("short_name", text_of(Programme, "short_name")),
        Key("organisation", ORGANISATION_SLUG, required=True, help="the organisation running it"),
        Key("description", TEXT),
        Key("period", Nested(PERIOD)),
        Key("declared_projects", Integer(minimum=0), help="number of projects as the report states it"),
        Key("declared_budget", Nested(MONEY), help="budget as the report states it"),
    )), shared=True, help="Programmes the evaluation covers; each is linked to the evaluation.")

PROJECTS = Section("projects", record(
    "project", label=("number",), matched_on=("number",), citation=CITED, keys=(
        Key("number", text_of(Allotment, "printed_number"), required=True,
            help="any spelling; normalised on load (US/IND/01/193 -> USIND01193)"),
        Key("title", text_of(Project, "title")),
        Key("programme", ref("programme slug", Programme, "slug"), help="required for a project not yet known"),
        Key("country", COUNTRY),
    )), shared=True,
    help="Projects named in the text. A number that is an allotment line's names that line's project, "
         "which keeps its citation; the text only adds a missing title.")

OTHER_EXPENDITURE = record("other_expenditure", keys=(
    Key("label", text_of(Allotment, "other_expenditure_label"), help='as printed ("Research")'),
    Key("amount", Number(), required=True),
))

ALLOTMENTS = Section("allotments", record(
    "allotment row", label=("line",), matched_on=("number",), citation=CITED, keys=(
        Key("line", Integer(minimum=1), required=True, help="row number in the source table"),
        Key("number", text_of(Allotment, "printed_number"), required=True, help="the line's number as printed"),
        Key("project", text_of(Project, "number"), required=True,
            help="the project the line belongs to: the number of its group's first line"),
        Key("year", YEAR, required=True),
        Key("country", text_of(Allotment, "country_label"), required=True, help="as printed"),
        Key("country_iso", COUNTRY, help="the country, if the line names one"),
        Key("region", ref("region label", Allotment, "region_label"), required=True,
            help="as printed; one of the labels of a region in the reference data"),
        Key("approach", choice(Approach), required=True),
        Key("approach_label", text_of(Allotment, "approach_label"), required=True, help="as printed"),
        Key("type", choice(ProjectType), required=True),
        Key("type_label", text_of(Allotment, "type_label"), required=True, help="as printed"),
        Key("status", choice(Status), required=True),
        Key("status_label", text_of(Allotment, "status_label"), default=None,
            help="as printed, if it differs from `status` (`''`: the cell is empty)"),
        Key("allotment", Number(), required=True, help="USD"),
        Key("expenditure", Number(), required=True, help="USD"),
        Key("other_expenditure", Nested(OTHER_EXPENDITURE), help="a second expenditure part printed on the line"),
    )), shared=True,
    help="Allotment lines of a portfolio table (UNIDO Annex 3), in the evaluation's first programme; lines "
         "with the same `project` form one project, whose status follows from its lines' statuses.")

CRITERIA = Section("criteria", record(
    "criterion", label=("code",), matched_on=("code",), citation=CITED, keys=(
        Key("code", slug_of(Criterion, "code"), required=True),
        Key("name", text_of(Criterion, "name"), required=True),
        Key("description", TEXT),
    )), shared=True,
    help="The report's own criteria. The six OECD-DAC criteria (relevance, coherence, effectiveness, "
         "efficiency, impact, sustainability) are reference data.")

LEVEL = record("level", label=("value",), matched_on=("value",), keys=(
    Key("value", Number(), required=True),
    Key("label", text_of(ScaleLevel, "label"), required=True, help="its meaning as printed"),
))

RATING_SCALES = Section("rating_scales", record(
    "rating scale", label=("code",), matched_on=("code",), citation=CITED, keys=(
        Key("code", slug_of(RatingScale, "code"), required=True),
        Key("name", text_of(RatingScale, "name"), required=True),
        Key("min", Number(), required=True),
        Key("max", Number(), required=True),
        Key("best", choice(("high", "low")), required=True, help="which end of the scale is best"),
        Key("not_assessed_value", Number(), help='a code that means "not assessed", not a score'),
        Key("levels", ListOf(Nested(LEVEL))),
    )), shared=True, help="Rating scales as the report defines them.")

SUBJECT = record("subject", exactly_one=True, keys=(
    Key("project", text_of(Allotment, "printed_number"), help="project number"),
    Key("country", COUNTRY),
    Key("programme", ref("programme slug", Programme, "slug")),
))

RATINGS = Section("ratings", record(
    "rating", label=("subject", "criterion"), matched_on=("subject", "criterion"), citation=CITED, keys=(
        Key("subject", Nested(SUBJECT), required=True, help="what is rated: one of project, country, programme"),
        Key("criterion", CRITERION_CODE, required=True),
        Key("scale", ref("rating scale code", RatingScale, "code"), required=True),
        Key("value", Number(), help="exactly as printed; left out if the text says not assessed"),
        Key("not_assessed", Boolean(), help="`true` if the text says not assessed"),
        Key("label", text_of(Rating, "label"), help="the verbal rating as printed"),
        Key("justification", TEXT),
        Key("supported_by", ListOf(FINDING_CODE), help="findings of this evaluation"),
    )), help="Ratings as the report prints them (written through ratings.services.transcribe_rating).")

THEMES = Section("themes", record("theme", label=("slug",), matched_on=("slug",), keys=(
    Key("slug", slug_of(Theme, "slug"), required=True),
    Key("name", text_of(Theme, "name"), required=True),
)), shared=True, help="Tags for findings, lessons and recommendations.")

EVIDENCE = record("evidence", label=("indicator",), matched_on=("indicator",), citation=MAY_CITE, keys=(
    Key("indicator", text_of(QuantitativeEvidence, "indicator"), required=True),
    Key("value", Number(), required=True),
    Key("unit", text_of(QuantitativeEvidence, "unit"), required=True, help='"%", "score (1-4)"'),
    Key("base", text_of(QuantitativeEvidence, "base"), help='what the value is of ("55 certified carpenters")'),
    Key("base_value", Number(), help="the base as a number"),
))

TAGS = (
    Key("criteria", ListOf(CRITERION_CODE), help="criteria the report names"),
    Key("themes", ListOf(THEME_SLUG)),
)

FINDINGS = Section("findings", record(
    "finding", label=("code",), matched_on=("code",), citation=CITED, keys=(
        Key("code", text_of(Finding, "code"), required=True, help="unique within the evaluation (F01)"),
        Key("category", choice(Finding.Category), default=Finding.Category.FINDING, help="left out: `finding`"),
        Key("title", text_of(Finding, "title"), required=True, help="short, in the report's words"),
        Key("text", TEXT, required=True, help="verbatim or a close paraphrase; prefer verbatim"),
        *TAGS,
        Key("inferred_criteria", ListOf(CRITERION_CODE),
            help="criteria the report does not name but the wording shows; marked inferred"),
        Key("countries", ListOf(COUNTRY)),
        Key("evidence_kind", choice(EvidenceKind), required=True, help="what the finding rests on"),
        Key("evidence", ListOf(Nested(EVIDENCE)), help="quantitative evidence"),
    )), help="Findings, success factors, challenges, outputs and outcomes.")

LESSONS = Section("lessons", record(
    "lesson", label=("number",), matched_on=("number",), citation=CITED, keys=(
        Key("number", Integer(minimum=1), required=True),
        Key("title", text_of(Lesson, "title"), required=True),
        Key("text", TEXT, required=True),
        *TAGS,
    )), help="Lessons learned.")

CONCLUSIONS = Section("conclusions", record(
    "conclusion", label=("number",), matched_on=("number",), citation=CITED, keys=(
        Key("number", Integer(minimum=1), required=True),
        Key("text", TEXT, required=True),
        Key("findings", ListOf(FINDING_CODE), help="the findings it draws on"),
    )), help="Conclusions.")

ACTION = record("action", matched_on=("description",), citation=CITED, keys=(
    Key("description", TEXT, required=True),
    Key("status", choice(Action.Status), default=Action.Status.PLANNED, help="left out: `planned`"),
))

RESPONSE = record("response", citation=CITED, keys=(
    Key("stance", choice(ManagementResponse.Stance), required=True),
    Key("text", TEXT),
    Key("by", ORGANISATION_SLUG, help="the responding organisation"),
    Key("date", Date()),
    Key("actions", ListOf(Nested(ACTION)), help="actions the response says were taken"),
))

RECOMMENDATIONS = Section("recommendations", record(
    "recommendation", label=("number",), matched_on=("number",), citation=CITED, keys=(
        Key("number", Integer(minimum=1), required=True),
        Key("text", TEXT, required=True),
        Key("conclusion", Ref("conclusion number", Integer(minimum=1)), help="the conclusion it follows from"),
        Key("findings", ListOf(FINDING_CODE)),
        Key("owners", ListOf(text_of(ResponsibilityOwner, "name")), help="responsibility owners as named"),
        Key("themes", ListOf(THEME_SLUG)),
        Key("status", choice(Recommendation.Status), default=Recommendation.Status.OPEN,
            help="follow-up status when first loaded (the reports give none: `open`); kept in EvalBase after"),
        Key("due_date", Date(), help="when first loaded; kept in EvalBase after"),
        Key("response", Nested(RESPONSE), help="the management response"),
    )), help="Recommendations (written through follow_up.services.transcribe_recommendation).")

APPROACH_COMPARISONS = Section("approach_comparisons", record(
    "comparison", label=("organisation", "aspect"), matched_on=("organisation", "aspect"), citation=CITED, keys=(
        Key("organisation", ORGANISATION_SLUG, required=True),
        Key("aspect", text_of(ApproachComparison, "aspect"), required=True, help="the row"),
        Key("text", TEXT, required=True, help="the cell"),
    )), help="One cell of a table comparing organisations' approaches (UNIDO Table 5).")

PUBLISHED_FIGURES = Section("published_figures", record(
    "published figure", label=("key",), matched_on=("key",), citation=CITED, keys=(
        Key("key", slug_of(PublishedFigure, "key"), required=True),
        Key("label", text_of(PublishedFigure, "label"), required=True),
        Key("measure", choice(Measure), required=True, help="what the figure counts or sums"),
        Key("dimension", choice(Dimension, blank="the whole portfolio"), help="the slice it is about"),
        Key("group", text_of(PublishedFigure, "group"),
            help='the value(s) of `dimension`, joined by commas ("ongoing,not_stated"); left out: all'),
        Key("criterion", CRITERION_CODE, help="for `rating` and `rating_average` only"),
        Key("value", Number(), required=True),
        Key("printed", text_of(PublishedFigure, "printed_value"), help="the figure exactly as printed"),
        Key("unit", choice(PublishedFigure.Unit), required=True),
        Key("explanation", TEXT),
        Key("notes", ListOf(ref("data-quality note code", DataQualityNote, "code"))),
    )), help="Aggregates the report publishes; the reconciliation page recomputes each from the line items.")

DATA_QUALITY_NOTES = Section("data_quality_notes", record(
    "data-quality note", label=("code",), matched_on=("code",), citation=CITED, keys=(
        Key("code", slug_of(DataQualityNote, "code"), required=True),
        Key("title", text_of(DataQualityNote, "title"), required=True),
        Key("text", TEXT, required=True),
    )), help="Where the report is ambiguous or disagrees with itself, and how EvalBase reads it.")

REPORT_SECTIONS = (
    DOCUMENT, EVALUATION, ORGANISATIONS, PROGRAMMES, PROJECTS, ALLOTMENTS, CRITERIA, RATING_SCALES, RATINGS, THEMES,
    FINDINGS, LESSONS, CONCLUSIONS, RECOMMENDATIONS, APPROACH_COMPARISONS, PUBLISHED_FIGURES, DATA_QUALITY_NOTES,
)
SECTIONS = {section.name: section for section in REPORT_SECTIONS}

# Reference data: fixtures/reference/countries.csv and reference.yaml.
COUNTRY_ROW = record("country", label=("iso2",), matched_on=("iso2",), keys=(
    Key("iso2", COUNTRY, required=True),
    Key("iso3", Text(max_length=3, pattern=r"[A-Z]{3}", what="ISO 3166 alpha-3 code"), required=True),
    Key("name", text_of(Country, "name"), required=True),
))
REGION = record("region", label=("code",), matched_on=("code",), keys=(
    Key("code", text_of(Region, "code"), required=True),
    Key("name", text_of(Region, "name"), required=True),
    Key("labels", ListOf(TEXT), help="the spellings reports use for it"),
    Key("order", Integer(minimum=0), required=True),
))
REFERENCE_CRITERION = record("criterion", label=("code",), matched_on=("code",), keys=(
    Key("code", slug_of(Criterion, "code"), required=True),
    Key("name", text_of(Criterion, "name"), required=True),
    Key("description", TEXT),
    Key("order", Integer(minimum=0), required=True),
))
REFERENCE_SECTIONS = (
    Section("regions", REGION, help="Reporting regions and the labels reports print for them."),
    Section("criteria", REFERENCE_CRITERION, help="The OECD-DAC criteria."),
)

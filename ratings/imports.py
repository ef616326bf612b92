"""The ratings import: ratings from a CSV or XLSX file, all or nothing (evalbase.lib.importing runs it).

One row per rating: evaluation × subject × criterion, its raw value on its scale. Ratings are
matched on evaluation, subject and criterion, so importing the same file twice changes nothing.
Every write goes through ratings.services, as every write of a rating does; a transcribed rating
is not changed by an import, and a subject must lie in its evaluation's scope (Rating's own rules,
applied from one read of each evaluation's scope).
"""

from django.core.exceptions import ValidationError
from django.db import DatabaseError

from evalbase.lib.cells import Cell, ChoiceCell, DecimalCell, LookupCell, YesNoCell
from evalbase.lib.importing import Importer, Refused, RowForm, assign, in_batches
from evaluations.models import Evaluation
from projects.models import Programme, Project
from projects.numbers import normalise_project_number
from reference.models import Country, Criterion, RatingScale

from .models import Rating
from .services import create_ratings, transcribed_refusal, update_rating

Subject = Rating.Subject


def subject_key(kind, text):
    """How a subject of `kind` is named in a file: a project by its number in any spelling, others in any case."""
    return normalise_project_number(text) if kind == Subject.PROJECT else text.casefold()


class RatingRow(RowForm):
    evaluation = LookupCell(label="Evaluation", help_text="Evaluation slug; the evaluation must exist.",
                            unknown="Unknown evaluation “{}”.")
    subject_kind = ChoiceCell(Subject, label="Kind of subject", help_text=f"One of: {', '.join(Subject.values)}.")
    subject = Cell(label="Subject", help_text="The project's number (any spelling), the country's ISO 3166 alpha-2 "
                   "code or the programme's slug.")
    criterion = LookupCell(label="Criterion", help_text="Criterion code, e.g. relevance, effectiveness.",
                           unknown="Unknown criterion “{}”.")
    value = DecimalCell(negative_allowed=True, integer_digits=3, required=False, label="Value",
                        help_text="The raw value on the scale. May be empty when not_assessed is yes.")
    not_assessed = YesNoCell(required=False, label="Not assessed", help_text="yes or no (empty = no).")
    scale = LookupCell(label="Rating scale", help_text="Rating scale code, e.g. unido-table8, seco-dac-4.",
                       unknown="Unknown scale “{}”.")
    justification = Cell(required=False, label="Justification",
                         help_text="Optional: when empty, a justification already stored is kept.")

    subjects = {}  # {kind: {subject_key: record}}: the importer sets its form's once per import

    def clean(self):
        """The subject, among the records of its kind."""
        kind, text = self.cleaned_data.get("subject_kind"), self.cleaned_data.get("subject")
        if kind and text:
            subject = self.subjects[kind].get(subject_key(kind, text))
            if subject is not None:
                self.cleaned_data["subject"] = subject
            elif kind == Subject.COUNTRY:
                self.add_error("subject", f"Unknown country “{text}” (use an ISO 3166 alpha-2 code, e.g. SN).")
            else:
                self.add_error("subject", f"Unknown {kind} “{text}”.")
        return self.cleaned_data


class RatingImport(Importer):
    kind = "ratings"
    title = "Ratings"
    one_row_is = "one row per rating"
    row_form = RatingRow
    examples = {"evaluation": "unido-cnd-2010", "subject_kind": "country", "subject": "SN", "criterion": "relevance",
                "value": "4", "not_assessed": "no", "scale": "unido-table8", "justification": ""}
    field_columns = {"value": "value", "not_assessed": "not_assessed", "scale": "scale",
                     "justification": "justification", "criterion": "criterion", "evaluation": "evaluation",
                     "project": "subject", "country": "subject", "programme": "subject",
                     "subject_kind": "subject_kind"}

    def load(self, rows):
        """What rows name, read once: evaluations, criteria, scales, and the subjects of every kind."""
        fields = self.form.fields
        fields["evaluation"].records = {e.slug: e for e in Evaluation.objects.all()}
        fields["criterion"].records = {c.code: c for c in Criterion.objects.all()}
        fields["scale"].records = {s.code: s for s in RatingScale.objects.all()}
        numbers = {subject_key(Subject.PROJECT, row["subject"]) for _, row in rows
                   if row["subject_kind"].casefold() == Subject.PROJECT}
        self.form.subjects = {
            Subject.COUNTRY: {c.iso2.casefold(): c for c in Country.objects.all()},
            Subject.PROGRAMME: {p.slug.casefold(): p for p in Programme.objects.all()},
            Subject.PROJECT: {p.number: p for p in in_batches(Project.objects.all(), "number", numbers)},
        }

    def check(self, rows, report):
        """Problems go to `report`; returns the plan: [(row, rating, state, version read, changes)]."""
        self.load(rows)
        checked = [(number, values) for number, row in rows
                   if (values := self.clean_cells(number, row, report)) is not None]
        evaluations = {values["evaluation"].pk for _, values in checked}
        scopes = Rating.scopes(evaluations)
        stored = {
            (r.evaluation_id, r.criterion_id, r.subject_kind, r.project_id or r.country_id or r.programme_id): r
            for r in Rating.objects.filter(evaluation__in=evaluations).select_related(
                "evaluation", "scale", "source", "project", "country", "programme")
        }
        plan, seen = [], {}
        self.advance(len(rows) - len(checked))  # the rows refused for their cells are done
        for number, values in checked:
            self.advance()
            key = (values["evaluation"].pk, values["criterion"].pk, values["subject_kind"], values["subject"].pk)
            if key in seen:
                report.problem(number, "subject", f"Row {seen[key]} already rates this subject on this "
                               "criterion in this evaluation.")
                continue
            seen[key] = number
            if rating := self.check_rating(number, values, stored.get(key), scopes, report):
                plan.append(rating)
        return plan

    def check_rating(self, number, values, rating, scopes, report):
        """(row, rating, state, version read, changes) for one row, or None after reporting its problems."""
        created = rating is None
        if created:
            rating = Rating(evaluation=values["evaluation"], criterion=values["criterion"],
                            subject_kind=values["subject_kind"], **{values["subject_kind"]: values["subject"]})
        scale, value = values["scale"], values["value"]
        changes = {"scale": scale, "value": value,
                   "not_assessed": bool(values["not_assessed"]) or scale.is_not_assessed_code(value)}
        if values["justification"]:
            changes["justification"] = values["justification"]
        version = rating.version  # as read: update_rating refuses the row if someone saved it since
        state = assign(rating, changes, created=created)
        if state == "unchanged":
            report.tally("ratings").add(state)
            return number, rating, state, version, changes
        if refusal := transcribed_refusal(rating):
            report.problem(number, "", refusal)
            return None
        rating.preloaded_scope = scopes[rating.evaluation_id]
        if not self.clean_record(rating, number, report):
            return None
        report.tally("ratings").add(state)
        return number, rating, state, version, changes

    def write(self, plan, *, reason, user):
        """Through ratings.services, as every write of a rating; a refusal rolls the whole import back."""
        for number, rating, state, version, changes in plan:
            try:
                if state == "created":
                    create_ratings([(rating, [])], user=user, reason=reason)
                elif state == "updated":
                    update_rating(rating, version=version, changes=changes, user=user, reason=reason)
            except (ValidationError, DatabaseError) as error:
                messages = " ".join(getattr(error, "messages", [str(error)]))
                raise Refused(number, f"This row could not be saved: {messages}") from None

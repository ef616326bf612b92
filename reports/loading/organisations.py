"""The reports' source documents and organisations, loaded from all reports before anything else:
a report may name an organisation another report defines."""

from reference.models import Organisation, SourceDocument

from .fields import FixtureError

ORGANISATION = "organisation slug"


def load_documents(load, reports):
    """{evaluation slug: SourceDocument}, each matched on its file name."""
    return {
        report.slug: load.upsert(SourceDocument, {"file_name": report.document["file"]}, {
            "title": report.document["title"], "year": report.document["year"],
        }, report.document.where)
        for report in reports
    }


def load_organisations(load, reports, documents):
    """Every report's organisations, each unit after its parent, wherever the parent is defined."""
    load.know(ORGANISATION, {organisation.slug: organisation for organisation in Organisation.objects.all()})
    pending = [(documents[report.slug], record) for report in reports for record in report.sections["organisations"]]
    while pending:
        ready, waiting = [], []
        for document, record in pending:
            parent = record["parent"]
            (ready if not parent or load.knows(ORGANISATION, parent) else waiting).append((document, record))
        if not ready:
            record = waiting[0][1]
            raise FixtureError(f"{record.where}: unknown parent organisation {record['parent']!r}")
        for document, record in ready:
            load.document = document
            _load_organisation(load, record)
        pending = waiting


def _load_organisation(load, record):
    where = record.where
    values = {
        "name": record["name"], "short_name": record["short_name"], "kind": record["kind"],
        "parent": load.find_optional(ORGANISATION, record["parent"], where),
        "description": record["description"],
    }
    existing = load.find(ORGANISATION, record["slug"], where) if load.knows(ORGANISATION, record["slug"]) else None
    if existing is None or existing.source_id in (None, load.document.pk):
        # Cited by the first report that names it; later reports keep that citation.
        values.update(load.cited(record))
    organisation = load.upsert(Organisation, {"slug": record["slug"]}, values, where)
    load.remember(ORGANISATION, organisation.slug, organisation)

"""A source document's page: every record transcribed from it, in the report's order, paginated,
each with its kind, section, locator and a link; citations open it at their record."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from overview.views import DOCUMENT_PAGE_SIZE

from .builders import (
    cited,
    make_evaluation,
    make_finding,
    make_lesson,
    make_project,
    make_rating,
    make_recommendation,
    make_source_document,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    document = make_source_document(file_name="007_report.txt", title="A thematic evaluation")
    evaluation = make_evaluation(**cited(document, "Cover", "title page (line 1)"))
    records = {
        "finding": make_finding(evaluation=evaluation, **cited(document, "3. Findings", "paragraph 2 (line 300)")),
        "early": make_finding(evaluation=evaluation, **cited(document, "3. Findings", "paragraph 1 (line 210)")),
        "recommendation": make_recommendation(evaluation=evaluation,
                                              **cited(document, "5. Recommendations", "line 520")),
        "lesson": make_lesson(evaluation=evaluation, **cited(document, "4. Lessons", "paragraph 3, line 410")),
        "project": make_project(**cited(document, "Annex 3", "row 12")),
        "summary": make_finding(evaluation=evaluation, **cited(document, "Executive summary", "line 20")),
    }
    records["rating"] = make_rating(evaluation=evaluation, project=records["project"],
                                    **cited(document, "Annex 3", "row 12"))
    return {"document": document, "evaluation": evaluation, **records}


def rows(response):
    table = response.content.decode().split('id="records"')[1].split("</table>")[0]
    return re.findall(r'<tr id="([a-z]+-\d+)">', table)


def test_records_in_the_order_of_the_report(client, report):
    page = client.get(f"/sources/{report['document'].pk}/")
    assert page.status_code == 200
    order = rows(page)
    expected = [f"evaluation-{report['evaluation'].pk}", f"finding-{report['summary'].pk}",
                f"finding-{report['early'].pk}", f"finding-{report['finding'].pk}",
                f"lesson-{report['lesson'].pk}", f"recommendation-{report['recommendation'].pk}"]
    assert order[:6] == expected
    assert set(order[6:]) == {f"project-{report['project'].pk}", f"rating-{report['rating'].pk}"}


def test_each_record_shows_kind_section_locator_and_link(client, report):
    html = client.get(f"/sources/{report['document'].pk}/").content.decode()
    before, after = html.split(f'id="finding-{report["finding"].pk}"')
    row = after.split("</tr>")[0]
    assert "paragraph 2 (line 300)" in row and ">Finding<" in row
    assert re.findall(r'<th scope="rowgroup" colspan="3">([^<]*)</th>', before)[-1] == "3. Findings"
    assert f'href="/findings/{report["finding"].pk}/"' in row
    lesson = html.split(f'id="lesson-{report["lesson"].pk}"')[1].split("</tr>")[0]
    assert f'href="/evaluations/{report["evaluation"].slug}/#lesson-1"' in lesson
    assert "8 records transcribed from this document" in re.sub(r"<[^>]+>", "", html)


def test_a_line_in_brackets_is_the_reports_line():
    from overview.documents import first_line, first_number
    assert first_line("case study on line 1 (line 1839)") == 1839
    assert first_line("under 'Findings', paragraph 1, sentence 2, line 126") == 126
    assert (first_line("row 12"), first_number("row 12")) == (None, 12)


def test_the_sources_list_links_to_each_document(client, report):
    html = client.get("/sources/").content.decode()
    assert f'href="/sources/{report["document"].pk}/"' in html


def test_a_citation_opens_the_document_at_its_record(client, report):
    html = client.get(f"/findings/{report['finding'].pk}/").content.decode()
    at = f"finding-{report['finding'].pk}"
    link = f'href="/sources/{report["document"].pk}/?at={at}#{at}"'
    assert link in html
    assert at in rows(client.get(f"/sources/{report['document'].pk}/", {"at": at}))


def test_long_documents_are_paginated_and_a_citation_opens_the_right_page(client, report):
    evaluation = report["evaluation"]
    for n in range(DOCUMENT_PAGE_SIZE + 5):
        make_finding(evaluation=evaluation, **cited(report["document"], "6. Annex", f"line {1000 + n}"))
    last = make_finding(evaluation=evaluation, **cited(report["document"], "6. Annex", "line 9999"))
    first_page = client.get(f"/sources/{report['document'].pk}/")
    assert "Page 1 of 2" in first_page.content.decode()
    at = f"finding-{last.pk}"
    opened = client.get(f"/sources/{report['document'].pk}/", {"at": at})
    assert "Page 2 of 2" in opened.content.decode() and at in rows(opened)


def test_queries_bounded_whatever_the_size(client, report):
    url = f"/sources/{report['document'].pk}/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(30):
        make_finding(evaluation=report["evaluation"], **cited(report["document"], "6. Annex", f"line {2000 + n}"))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_unknown_document_and_bad_anchor(client, report):
    assert client.get("/sources/999999/").status_code == 404
    assert client.get(f"/sources/{report['document'].pk}/", {"at": "nonsense", "page": "x"}).status_code == 200

"""The home page, the evaluations list and an evaluation's page as a reader sees them: counts that
agree, links only where there is something to open, facets with counts, search, sorting, pages,
JSON, and a constant number of queries whatever the data size."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations.models import Evaluation

from .builders import (
    make_evaluation,
    make_finding,
    make_lesson,
    make_organisation,
    make_programme,
    make_project,
    make_rating,
    make_recommendation,
    read_csv,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Agency A (an evaluation with a finding, a recommendation and a rating, a portfolio of three
    projects, one of them with no allotment lines); agency B (an evaluation with nothing, no portfolio)."""
    agency_a = make_organisation(slug="agency-a", name="Agency A")
    unit = make_organisation(slug="agency-a-unit", name="Agency A Evaluation Unit", parent=agency_a, kind="unit")
    agency_b = make_organisation(slug="agency-b", name="Agency B")
    full = make_evaluation(slug="full-2019", title="Value chains in Peru", commissioner=unit, year=2019,
                           kind=Evaluation.Kind.CASE_STUDY)
    empty = make_evaluation(slug="empty-2011", title="Cluster development", commissioner=agency_b, year=2011)
    programme = make_programme(organisation=agency_a, evaluations=[full])
    projects = [make_project(programme=programme), make_project(programme=programme, lines=2),
                make_project(programme=programme, lines=0)]
    finding = make_finding(evaluation=full)
    make_recommendation(evaluation=full, findings=[finding])
    make_rating(evaluation=full, project=projects[0])
    return {"full": full, "empty": empty, "projects": projects}


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_home_states_projects_with_and_without_lines_together(client, world):
    page = text(client.get("/"))
    assert "3 projects: 2 with allotment lines, 1 named in a report without any" in page
    assert "total allotment of 3 lines in USD, on 2 projects" in page


def test_home_links_only_to_content(client, world):
    page = client.get("/").content.decode()
    assert 'href="/ratings/?evaluation=full-2019"' in page
    assert 'href="/findings/?evaluation=full-2019&amp;type=finding"' in page
    assert 'href="/recommendations/?evaluation=full-2019"' in page
    assert "?evaluation=empty-2011" not in page  # nothing to open: no link
    assert "no ratings, no findings, no recommendations" in text(client.get("/"))
    assert 'href="/portfolio/?organisation=agency-a"' in page  # through its unit's evaluation
    assert "/portfolio/?organisation=agency-b" not in page
    assert "No portfolio transcribed" in page


def test_every_home_link_answers(client, world):
    page = client.get("/").content.decode()
    for url in set(re.findall(r'href="(/[^"#]*)"', page)):
        if url.startswith(("/static/", "/accounts/", "/admin/")):
            continue
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url


def grow(n):
    agency = make_organisation()
    for _ in range(n):
        evaluation = make_evaluation(commissioner=agency)
        programme = make_programme(organisation=agency, evaluations=[evaluation])
        project = make_project(programme=programme)
        make_rating(evaluation=evaluation, project=project)
        make_recommendation(evaluation=evaluation, findings=[make_finding(evaluation=evaluation)])


@pytest.mark.parametrize("url", ["/", "/evaluations/", "/evaluations/?kind=case_study&sort=-ratings",
                                 "/evaluations/?format=json", "/sources/"])
def test_queries_do_not_grow_with_the_data(client, world, url):
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(12)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_evaluations_facets_count_the_current_selection(client, world):
    page = client.get("/evaluations/")
    facets = {counts.facet.name: {v.value: v.count for v in counts.values} for counts in page.context["facets"]}
    assert facets["agency"] == {"agency-a": 1, "agency-b": 1}
    assert facets["kind"] == {"case_study": 1, "thematic_evaluation": 1}
    assert facets["decade"] == {"2010": 2}
    assert "2010s" in text(page)
    assert facets["has_ratings"] == {"yes": 1, "no": 1}
    narrowed = client.get("/evaluations/", {"has_findings": "no"})
    assert [e.slug for e in narrowed.context["page"].object_list] == ["empty-2011"]
    assert "Has findings: No" in text(narrowed)  # a removable chip


def test_evaluations_multi_select_and_title_search(client, world):
    both = client.get("/evaluations/?agency=agency-a&agency=agency-b")
    assert both.context["page"].paginator.count == 2
    found = client.get("/evaluations/", {"q": "peru"})
    assert [e.slug for e in found.context["page"].object_list] == ["full-2019"]
    assert "Title contains: peru" in text(found)


def test_evaluations_sort_by_any_column(client, world):
    by_year = client.get("/evaluations/", {"sort": "year"})
    assert [e.slug for e in by_year.context["page"].object_list] == ["empty-2011", "full-2019"]
    by_ratings = client.get("/evaluations/", {"sort": "-ratings"})
    assert [e.slug for e in by_ratings.context["page"].object_list] == ["full-2019", "empty-2011"]
    assert "Ratings ▼" in by_ratings.content.decode()


def test_evaluations_pages_json_and_csv(client, world):
    grow(55)
    first = client.get("/evaluations/")
    assert "Page 1 of 2" in text(first)
    data = client.get("/evaluations/", {"format": "json", "kind": "case_study"}).json()
    assert data["count"] == 1 and data["rows"][0]["slug"] == "full-2019"
    assert (data["rows"][0]["ratings"], data["rows"][0]["findings"], data["rows"][0]["recommendations"]) == (1, 1, 1)
    rows = read_csv(client.get("/evaluations/", {"format": "csv", "has_ratings": "no"}))
    assert [row["slug"] for row in rows] == ["empty-2011"]


def test_a_bad_filter_is_a_400_message(client, world):
    response = client.get("/evaluations/", {"decade": "soon"})
    assert response.status_code == 400
    assert "Some filters were not understood" in response.content.decode()


def test_the_evaluation_page_opens_with_its_contents(client, world):
    make_lesson(evaluation=world["full"])
    page = client.get("/evaluations/full-2019/").content.decode()
    contents = page[page.index('id="contents"'):page.index("</nav>", page.index('id="contents"'))]
    for anchor in ["#about", "#ratings", "#recommendations", "#findings", "#lessons", "#notes"]:
        assert f'href="{anchor}"' in contents
        assert f'id="{anchor[1:]}"' in page
    assert "Findings</a> <span class=\"count\">(1)" in contents
    assert "Lessons</a> <span class=\"count\">(1)" in contents


def test_the_cached_home_and_facets_follow_changes(client, world, settings):
    from django.core.cache import caches

    settings.AGGREGATE_CACHE = True
    caches["aggregates"].clear()
    assert "3 projects:" in text(client.get("/"))
    assert len(client.get("/evaluations/").context["facets"][0].values) == 2
    make_project(programme=world["projects"][0].programme)
    make_evaluation(commissioner=make_organisation(slug="agency-c", name="Agency C"))
    connection.check_constraints()  # PostgreSQL's deferred triggers fire as at a commit
    assert "4 projects:" in text(client.get("/"))
    assert len(client.get("/evaluations/").context["facets"][0].values) == 3

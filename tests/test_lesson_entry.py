"""Staff add, edit and delete lessons through findings.services: history kept, stale edits refused,
transcribed lessons read-only here, bad input refused with nothing written."""

import pytest
from django.test import Client

from findings.models import Lesson

from .builders import cited, criterion, make_evaluation, make_lesson, make_theme
from .page_forms import filled_in

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def edit_url(lesson):
    return f"/findings/lessons/{lesson.pk}/edit/"


def test_the_add_page_proposes_the_next_number_of_the_evaluation(sam):
    evaluation = make_evaluation(slug="cluster-review")
    make_lesson(evaluation=evaluation, number=4)
    page = signed_in(sam).get("/findings/lessons/new/", {"evaluation": "cluster-review"})
    assert page.status_code == 200
    assert page.context["form"]["number"].value() == 5


def test_it_adds_a_lesson_and_shows_it_on_the_evaluation_page(sam):
    evaluation, theme = make_evaluation(), make_theme(name="Ownership")
    client = signed_in(sam)
    response = client.post("/findings/lessons/new/", {
        "evaluation": evaluation.slug, "number": "1", "title": "Anchor clusters locally",
        "text": "Clusters with a local anchor outlived the project.",
        "criteria": [str(criterion("sustainability").pk)], "themes": [str(theme.pk)]})
    lesson = Lesson.objects.get(evaluation=evaluation)
    assert response.status_code == 302 and response["Location"] == f"/evaluations/{evaluation.slug}/#lesson-1"
    assert [c.code for c in lesson.criteria.all()] == ["sustainability"] and list(lesson.themes.all()) == [theme]
    assert (lesson.version, lesson.history.get().history_user) == (1, sam)
    page = client.get(response["Location"]).content.decode()
    assert 'id="lesson-1"' in page and "Anchor clusters locally" in page and edit_url(lesson) in page


@pytest.mark.parametrize("change, message", [
    ({"number": "0x1"}, "Enter a whole number."),
    ({"title": ""}, "This field is required."),
    ({"text": "\x00"}, "contains a NUL byte"),  # refused before the form (hostile_input)
    ({"themes": ["999999"]}, "Select a valid choice. 999999 is not one of the available choices."),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(sam, change, message):
    evaluation = make_evaluation()
    data = {"evaluation": evaluation.slug, "number": "1", "title": "A lesson", "text": "Its text."} | change
    response = signed_in(sam).post("/findings/lessons/new/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Lesson.objects.filter(evaluation=evaluation).exists()


def test_a_number_already_used_in_the_evaluation_is_refused(sam):
    lesson = make_lesson(number=2, title="First")
    data = {"evaluation": lesson.evaluation.slug, "number": "2", "title": "Second", "text": "Its text."}
    response = signed_in(sam).post("/findings/lessons/new/", data)
    assert response.status_code == 400
    assert "Lesson with this Evaluation and Number already exists." in response.content.decode()


def test_it_edits_a_lesson_with_a_reason_kept_in_the_history(sam):
    lesson = make_lesson(title="Old", criteria=[criterion("impact")])
    client = signed_in(sam)
    page = client.get(edit_url(lesson))
    response = client.post(edit_url(lesson), filled_in(page, title="New", criteria=[str(criterion("relevance").pk)],
                                                       reason="Typo"))
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, [c.code for c in lesson.criteria.all()], lesson.version) == ("New", ["relevance"], 2)
    assert (lesson.history.latest().history_user, lesson.history.latest().history_change_reason) == (sam, "Typo")


def test_a_duplicate_number_on_edit_is_refused_by_the_service_with_a_message(sam):
    first = make_lesson(number=1)
    second = make_lesson(evaluation=first.evaluation, number=2, title="Second")
    client = signed_in(sam)
    response = client.post(edit_url(second), filled_in(client.get(edit_url(second)), number="1"))
    assert response.status_code == 400
    assert "Lesson with this Evaluation and Number already exists." in response.content.decode()
    second.refresh_from_db()
    assert (second.number, second.version) == (2, 1)


def test_a_stale_edit_is_refused(sam, ada):
    lesson = make_lesson(title="As entered")
    first, second = signed_in(ada), signed_in(sam)
    adas, sams = first.get(edit_url(lesson)), second.get(edit_url(lesson))
    assert first.post(edit_url(lesson), filled_in(adas, title="Ada's")).status_code == 302
    refused = second.post(edit_url(lesson), filled_in(sams, title="Sam's"))
    assert refused.status_code == 409
    assert "Someone saved this lesson after you opened the form" in refused.content.decode()
    lesson.refresh_from_db()
    assert lesson.title == "Ada's"


def test_a_transcribed_lesson_is_read_only_here(sam):
    lesson = make_lesson(title="As printed", **cited())
    client = signed_in(sam)
    assert edit_url(lesson) not in client.get(lesson.evaluation.get_absolute_url()).content.decode()
    for url in (edit_url(lesson), f"/findings/lessons/{lesson.pk}/delete/"):
        response = client.post(url, {"title": "Changed", "version": "1"})
        assert response.status_code == 403 and "This lesson was transcribed from" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.title == "As printed"


def test_it_deletes_a_lesson_keeping_its_history(sam):
    lesson = make_lesson()
    client = signed_in(sam)
    assert client.get(f"/findings/lessons/{lesson.pk}/delete/").status_code == 200
    response = client.post(f"/findings/lessons/{lesson.pk}/delete/")
    assert response.status_code == 302 and response["Location"].endswith("#lessons")
    assert not Lesson.objects.filter(pk=lesson.pk).exists()
    assert Lesson.history.get(id=lesson.pk, history_type="-").history_user == sam


def test_only_staff_see_the_lesson_links_and_evaluators_cannot_write(sam, eve):
    lesson = make_lesson(title="Kept")
    page = lesson.evaluation.get_absolute_url()
    assert "/findings/lessons/new/" in signed_in(sam).get(page).content.decode()
    evaluator = signed_in(eve)
    assert "/findings/lessons/" not in evaluator.get(page).content.decode()
    assert evaluator.post(edit_url(lesson), {"title": "Changed", "version": "1"}).status_code == 403
    lesson.refresh_from_db()
    assert lesson.title == "Kept"

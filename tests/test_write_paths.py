"""Every way of changing a rating or a recommendation raises its version, so that a form opened
before the change is refused instead of saving over it (issue 8, bugs 1 and 2)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from findings.models import Recommendation
from follow_up.services import transcribe_recommendation, update_recommendation
from ratings.models import Rating
from ratings.services import transcribe_rating

from .builders import admin_form_data, cited, make_rating, make_recommendation

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def staff_edit(client, rating, version, value):
    return client.post(f"/ratings/{rating.pk}/edit/", {"value": value, "justification": "", "version": version})


def admin_change(client, record, **changes):
    url = f"/admin/{record._meta.app_label}/{record._meta.model_name}/{record.pk}/change/"
    return client.post(url, admin_form_data(client.get(url)) | changes)


def test_a_rating_changed_in_the_admin_refuses_a_staff_form_opened_before(ada, sam):
    rating = make_rating(value=Decimal("3"))
    opened_at = rating.version
    assert admin_change(signed_in(ada), rating, value="2").status_code == 302
    rating.refresh_from_db()
    assert (rating.value, rating.version) == (Decimal("2"), opened_at + 1)

    refused = staff_edit(signed_in(sam), rating, opened_at, "4")
    assert refused.status_code == 409
    assert "you entered “4”; it is now “2.00” (changed by ada" in refused.content.decode()
    rating.refresh_from_db()
    assert rating.value == Decimal("2")


def test_a_stale_admin_form_for_a_rating_is_refused(ada, sam):
    rating = make_rating(value=Decimal("3"))
    client = signed_in(ada)
    url = f"/admin/ratings/rating/{rating.pk}/change/"
    loaded = admin_form_data(client.get(url))
    assert staff_edit(signed_in(sam), rating, rating.version, "1").status_code == 302
    refused = client.post(url, loaded | {"value": "4"})
    assert refused.status_code == 200
    assert "Someone saved this rating after you opened the form" in refused.content.decode()
    rating.refresh_from_db()
    assert rating.value == Decimal("1")


def test_loading_a_report_refuses_a_form_opened_before(sam):
    rating = make_rating(value=Decimal("3"))
    lookup = {"evaluation": rating.evaluation, "criterion": rating.criterion, "country": rating.country}
    values = {"subject_kind": "country", "scale": rating.scale, "value": Decimal("2"), "not_assessed": False,
              "label": "", "justification": ""}
    assert transcribe_rating(lookup=lookup, values=values, findings=[])[1] == "updated"
    assert staff_edit(signed_in(sam), rating, 1, "4").status_code == 409
    assert transcribe_rating(lookup=lookup, values=values, findings=[])[1] == "unchanged"
    assert Rating.objects.get(pk=rating.pk).version == 2


def test_the_rating_admin_deletes_through_the_service(ada):
    rating = make_rating()
    url = f"/admin/ratings/rating/{rating.pk}/delete/"
    assert signed_in(ada).post(url, {"post": "yes"}).status_code == 302
    assert Rating.history.get(id=rating.pk, history_type="-").history_user == ada


def follow_up_form(client, recommendation):
    page = client.get(f"/recommendations/{recommendation.pk}/follow-up/")
    form = page.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_a_recommendation_changed_in_the_admin_refuses_a_follow_up_form_opened_before(ada):
    recommendation = make_recommendation()
    page_client, admin_client = signed_in(ada), signed_in(ada)
    loaded = follow_up_form(page_client, recommendation)
    assert admin_change(admin_client, recommendation, text="Reworded by the admin.").status_code == 302
    refused = page_client.post(f"/recommendations/{recommendation.pk}/follow-up/", loaded | {"status": "in_progress"})
    assert refused.status_code == 409
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.text, recommendation.version) == (
        "open", "Reworded by the admin.", 2)


def test_changing_only_the_owners_raises_the_version_and_keeps_one_history_record(ada):
    recommendation = make_recommendation(owners=["Donors"])
    versions = recommendation.history.count()
    client = signed_in(ada)
    loaded = follow_up_form(client, recommendation)
    owner = recommendation.owners.get()
    other = make_recommendation(owners=["CBL Unit"]).owners.get()
    assert admin_change(client, recommendation, owners=[str(other.pk)]).status_code == 302
    recommendation.refresh_from_db()
    assert [o.name for o in recommendation.owners.all()] == ["CBL Unit"] and owner.name == "Donors"
    assert (recommendation.version, recommendation.history.count()) == (2, versions + 1)
    stale = client.post(f"/recommendations/{recommendation.pk}/follow-up/", loaded | {"status": "in_progress"})
    assert stale.status_code == 409


def test_loading_a_report_keeps_the_follow_up_and_refuses_a_form_opened_before(ada):
    recommendation = make_recommendation(status="in_progress")
    client = signed_in(ada)
    loaded = follow_up_form(client, recommendation)
    transcribed, state = transcribe_recommendation(
        evaluation=recommendation.evaluation, number=recommendation.number, values={"text": "As printed."},
        follow_up={"status": "open", "due_date": None}, m2m={"owners": []})
    assert (state, transcribed.status, transcribed.version) == ("updated", "in_progress", 2)
    refused = client.post(f"/recommendations/{recommendation.pk}/follow-up/", loaded | {"status": "implemented",
                                                                                      "implementation_note": "x"})
    assert refused.status_code == 409
    assert Recommendation.objects.get(pk=recommendation.pk).status == "in_progress"


def test_a_transcribed_recommendation_keeps_its_text_but_takes_follow_up(ada):
    recommendation = make_recommendation(text="As printed.", **cited(section="Chapter 4"))
    client = signed_in(ada)
    url = f"/admin/findings/recommendation/{recommendation.pk}/change/"
    page = client.get(url)
    assert "text" not in page.context["adminform"].form.fields
    assert admin_change(client, recommendation, status="in_progress", text="Reworded.").status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.text, recommendation.status) == ("As printed.", "in_progress")
    with pytest.raises(ValidationError, match="transcribed from"):
        update_recommendation(recommendation, version=recommendation.version, changes={"text": "Reworded."},
                              user=ada)

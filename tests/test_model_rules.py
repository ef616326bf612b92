"""Data rules live in the models and the database: bad values are refused with clear errors."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from evalbase.lib.scales import normalise
from projects.models import Allotment, Project
from projects.numbers import display_project_number, normalise_project_number
from ratings.models import Rating

from .builders import build_rating, make_allotment, make_project, make_scale

pytestmark = pytest.mark.django_db


def test_it_refuses_a_rating_outside_its_scale_with_a_clear_message():
    rating = build_rating(value=Decimal("5"))
    with pytest.raises(ValidationError) as error:
        rating.full_clean()
    assert "5 is outside the scale" in str(error.value.message_dict["value"])
    assert "1-4, 4 best, 1 worst; 0 = not assessed" in str(error.value.message_dict["value"])


def test_the_database_refuses_a_rating_outside_its_scale():
    rating = build_rating(value=Decimal("4.5"))
    with pytest.raises(IntegrityError, match="outside its scale"), transaction.atomic():
        rating.save()
    too_low = build_rating(value=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        too_low.save()


def test_the_not_assessed_code_is_stored_as_not_assessed():
    rating = build_rating(value=Decimal("0"))
    rating.full_clean()
    rating.save()
    assert rating.not_assessed and rating.normalised_value is None


def test_a_rating_needs_a_value_or_not_assessed():
    rating = build_rating(value=None)
    with pytest.raises(ValidationError, match="not assessed"):
        rating.full_clean()


def test_one_rating_per_evaluation_subject_and_criterion():
    first = build_rating()
    first.save()
    duplicate = build_rating(evaluation=first.evaluation, country=first.country)
    with pytest.raises(ValidationError, match="already rates this subject on this criterion"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_it_refuses_a_duplicate_project_number_in_any_spelling():
    project = make_project(number="USIND01193X")
    duplicate = Project(number="US/IND/01/193X", programme=project.programme)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Project with this Number already exists." in error.value.message_dict["number"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(number="USIND01193X", programme=project.programme)


def test_it_refuses_a_negative_allotment():
    project = make_project()
    line = Allotment(project=project, line=1, number="NEG1", printed_number="NEG1", project_type="pilot_project",
                     status="closed", amount=Decimal("-1"), expenditure=Decimal("0"))
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert error.value.message_dict["amount"] == ["Money cannot be negative."]
    with pytest.raises(IntegrityError), transaction.atomic():
        make_allotment(project=project, amount="-1")


def test_project_numbers_are_normalised():
    assert normalise_project_number("US/IND/01/193") == normalise_project_number("USIND01193") == "USIND01193"
    assert display_project_number("USIND01193") == "US/IND/01/193"


def test_scales_normalise_to_0_100_with_100_best():
    assert normalise(Decimal("4"), minimum=1, maximum=4, best_is_high=True) == 100
    assert normalise(Decimal("1"), minimum=1, maximum=4, best_is_high=False) == 100
    assert normalise(Decimal("4"), minimum=1, maximum=4, best_is_high=False) == 0


def test_a_not_assessed_code_inside_the_range_is_refused():
    with pytest.raises(IntegrityError, match="scale_not_assessed_code_outside_range"), transaction.atomic():
        make_scale(minimum=1, maximum=4, not_assessed_value=2)
    make_scale(minimum=1, maximum=4, not_assessed_value=0)


def test_a_rating_subject_must_match_its_kind():
    rating = build_rating()
    rating.subject_kind = Rating.Subject.PROJECT
    with pytest.raises(IntegrityError), transaction.atomic():
        rating.save()

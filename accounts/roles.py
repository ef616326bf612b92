"""The roles people have in EvalBase and how a person gets one.

Each role is an auth group with its permissions (migration 0001_role_groups): an evaluator browses
and exports, staff also keep the evidence up to date, an admin also manages recommendations and
their follow-up, the reports' metadata and the users, and may use the Django admin.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

ROLE_GROUPS = {"evaluator": "Evaluator", "staff": "Staff", "admin": "Admin"}


@transaction.atomic
def add_user(*, username, role, password, email="", superuser=False):
    """Create a user in the group of `role`; raise ValidationError for a taken name or weak password."""
    group = Group.objects.get(name=ROLE_GROUPS[role])
    user = get_user_model()(
        username=username, email=email, is_staff=role == "admin", is_superuser=superuser
    )
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.add(group)
    return user

"""Users and groups in the Django admin: an Admin manages users, but no one except a superuser may
grant superuser or staff status, groups or permissions beyond their own, or change a superuser,
their password included (issue 10, item 3)."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone

from .builders import admin_form_data
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-password-for-root-42"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def permission(label):
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def change_url(user):
    return f"/admin/auth/user/{user.pk}/change/"


def change_user(client, user, **changes):
    data = admin_form_data(client.get(change_url(user)))
    # The admin shows the date joined as two inputs, a date and a time.
    del data["date_joined"]
    joined = timezone.localtime(user.date_joined)
    data["date_joined_0"], data["date_joined_1"] = joined.strftime("%Y-%m-%d"), joined.strftime("%H:%M:%S")
    return client.post(change_url(user), data | changes)


@pytest.fixture
def root():
    return User.objects.create_superuser(username="root", email="root@example.org", password=PASSWORD)


@pytest.fixture
def auditors():
    """A group holding a permission Admins do not hold."""
    group = Group.objects.create(name="Auditors")
    group.permissions.add(permission("auth.change_group"))
    return group


def test_an_admin_cannot_make_anyone_superuser_or_staff(ada, eve):
    client = signed_in(ada)
    fields = client.get(change_url(eve)).context["adminform"].form.fields
    assert "is_superuser" not in fields and "is_staff" not in fields
    assert change_user(client, ada, is_superuser="on").status_code == 302
    assert change_user(client, eve, is_superuser="on", is_staff="on").status_code == 302
    ada.refresh_from_db()
    eve.refresh_from_db()
    assert not ada.is_superuser
    assert not eve.is_superuser and not eve.is_staff


def test_an_admin_may_give_a_role_they_hold(ada, otto):
    response = change_user(signed_in(ada), otto, groups=[str(Group.objects.get(name="Admin").pk)])
    assert response.status_code == 302
    assert [g.name for g in otto.groups.all()] == ["Admin"]


def test_an_admin_cannot_grant_a_group_beyond_their_own_permissions(ada, otto, auditors):
    response = change_user(signed_in(ada), otto, groups=[str(auditors.pk)])
    assert response.status_code == 200
    assert ("Only a superuser may grant permissions you do not hold yourself: auth.change_group."
            in response.content.decode())
    assert not otto.groups.exists()
    assert not ada.groups.filter(pk=auditors.pk).exists()
    assert change_user(signed_in(ada), ada, groups=[str(auditors.pk)]).status_code == 200
    assert not ada.groups.filter(pk=auditors.pk).exists()


def test_an_admin_cannot_grant_a_permission_they_do_not_hold(ada, otto):
    client = signed_in(ada)
    refused = change_user(client, otto, user_permissions=[str(permission("auth.delete_group").pk)])
    assert refused.status_code == 200 and "auth.delete_group" in refused.content.decode()
    assert not otto.user_permissions.exists()
    held = permission("findings.view_finding")
    assert change_user(client, otto, user_permissions=[str(held.pk)]).status_code == 302
    assert list(otto.user_permissions.all()) == [held]


def test_a_person_keeps_what_they_hold_beyond_the_granter_when_an_admin_edits_them(ada, otto, auditors):
    otto.groups.add(auditors)
    assert change_user(signed_in(ada), otto, email="otto@example.org").status_code == 302
    otto.refresh_from_db()
    assert otto.email == "otto@example.org" and list(otto.groups.all()) == [auditors]


def test_an_admin_cannot_change_or_delete_a_superuser_or_reset_their_password(ada, root):
    client = signed_in(ada)
    page = client.get(change_url(root))
    assert page.status_code == 200 and not page.context["has_change_permission"]  # shown read-only
    assert "Reset password" not in page.content.decode()
    assert client.post(change_url(root), {"username": "root", "email": "ada@example.org"}).status_code == 403
    password_url = f"/admin/auth/user/{root.pk}/password/"
    assert client.get(password_url).status_code == 403
    response = client.post(password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                          "usable_password": "true"})
    assert response.status_code == 403
    assert client.post(f"/admin/auth/user/{root.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post("/admin/auth/user/", {"action": "delete_selected", "_selected_action": [str(root.pk)],
                                             "post": "yes"})
    assert bulk.status_code == 403
    root.refresh_from_db()
    assert root.check_password(PASSWORD) and root.email == "root@example.org" and root.is_superuser


def test_an_admin_may_still_reset_the_password_of_a_person_without_superuser_status(ada, eve):
    response = signed_in(ada).post(f"/admin/auth/user/{eve.pk}/password/", {
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    eve.refresh_from_db()
    assert eve.check_password(NEW_PASSWORD)


def test_a_superuser_may_grant_all_of_it(root, ada, auditors):
    client = signed_in(root)
    assert change_user(client, ada, is_superuser="on", groups=[str(auditors.pk)]).status_code == 302
    ada.refresh_from_db()
    assert ada.is_superuser and ada.groups.filter(pk=auditors.pk).exists()


def test_a_group_cannot_be_given_permissions_beyond_the_editors_own(otto):
    """Admins do not manage groups; someone allowed to must still not grant beyond their own."""
    otto.is_staff = True
    otto.save()
    otto.user_permissions.add(permission("auth.view_group"), permission("auth.change_group"))
    group = Group.objects.create(name="Readers")
    client = signed_in(otto)
    url = f"/admin/auth/group/{group.pk}/change/"
    refused = client.post(url, {"name": "Readers", "permissions": [str(permission("auth.delete_user").pk)]})
    assert refused.status_code == 200 and "auth.delete_user" in refused.content.decode()
    assert not group.permissions.exists()
    allowed = client.post(url, {"name": "Readers", "permissions": [str(permission("auth.view_group").pk)]})
    assert allowed.status_code == 302 and group.permissions.count() == 1

"""The admin site's titles, and users and groups in it.

No one but a superuser may make anyone a superuser or give them staff status (the Django admin),
grant groups or permissions beyond what the granting person holds, or change a superuser (their
password included). Admins manage users, so without these rules an Admin could make themselves
superuser or take over a superuser's account.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User

admin.site.site_header = "EvalBase administration"
admin.site.site_title = "EvalBase admin"
admin.site.site_url = "/"

SUPERUSER_ONLY_FIELDS = ["is_superuser", "is_staff"]


def labels(permissions):
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions.select_related("content_type")}


def beyond(granter, permissions):
    """The permissions among `permissions` (a Permission queryset) that `granter` does not hold, sorted."""
    return sorted(labels(permissions) - granter.get_all_permissions())


class GrantCheck:
    """A user or group form that refuses to grant what the granting person does not hold.

    Only what is added is checked: a person keeps what they had, even beyond the granter's own.
    `granter` is set by the admin's get_form().
    """

    granter = None

    def check_grant(self, field, added):
        """Refuse `added` (a Permission queryset) on `field` if it goes beyond the granter's permissions."""
        if self.granter is None or self.granter.is_superuser:
            return
        if missing := beyond(self.granter, added):
            self.add_error(field, "Only a superuser may grant permissions you do not hold yourself: "
                                  f"{', '.join(missing)}.")

    def added(self, name):
        """The records of many-to-many `name` the form adds to what the record held."""
        before = set(getattr(self.instance, name).all()) if self.instance.pk else set()
        return [item for item in self.cleaned_data.get(name) or [] if item not in before]


def grant_checked(form_class):
    """`form_class` with GrantCheck.clean() checking groups and permissions added."""

    class Form(GrantCheck, form_class):
        def clean(self):
            cleaned = super().clean()
            if "groups" in self.fields:
                self.check_grant("groups", Permission.objects.filter(group__in=self.added("groups")))
            field = "user_permissions" if "user_permissions" in self.fields else "permissions"
            if field in self.fields:
                self.check_grant(field, Permission.objects.filter(pk__in=[p.pk for p in self.added(field)]))
            return cleaned

    Form.__name__ = form_class.__name__
    return Form


class GrantLimitedAdmin:
    def get_form(self, request, obj=None, **kwargs):
        form = grant_checked(super().get_form(request, obj, **kwargs))
        form.granter = request.user
        return form


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class EvalBaseUserAdmin(GrantLimitedAdmin, UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += SUPERUSER_ONLY_FIELDS
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # No password reset button for a superuser shown to someone who may not reset it.
            return [(name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
                    for name, options in fieldsets]
        return fieldsets

    def has_change_permission(self, request, obj=None):
        # Covers the password page too, which asks for the change permission on the user.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Group)
class EvalBaseGroupAdmin(GrantLimitedAdmin, GroupAdmin):
    pass

"""Permissions about the site as a whole rather than one kind of record."""

from django.contrib.auth.models import User


class Account(User):
    """A person's account: the users' table, holding the site's own permissions.

    `browse`: see the evidence when browsing is private (EVALBASE_PUBLIC_BROWSING=false). Every
    role grants it (migration 0003_browse_permission); a signed-in person without a role does not
    hold it, and is told so.
    """

    class Meta:
        proxy = True
        default_permissions = ()
        permissions = [("browse", "Can browse the evidence when browsing is private")]

"""The admin base for history-tracked models."""

from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin in which only users who may change a record can revert it.

    django-simple-history 3.13 checks only the view permission in its revert view, for POST too,
    so a user who may only view a record could save an earlier version, or any values, through it.
    The revert runs in a transaction, as the admin's change view does: a versioned form locks the
    stored row (select_for_update) until the reverted values are saved.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

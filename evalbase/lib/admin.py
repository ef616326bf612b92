"""Admin helpers shared by the apps."""


class TranscribedReadOnly:
    """For a ModelAdmin or inline of cited records: a record transcribed from a report (it cites its
    source document) is shown, never changed or deleted, here; corrections go through the report's
    YAML file, which the next load would put back otherwise. For an inline, the parent decides."""

    def _transcribed(self, obj):
        return obj is not None and bool(getattr(obj, "source_id", None))

    def get_readonly_fields(self, request, obj=None):
        if self._transcribed(obj):
            return [field.name for field in self.model._meta.fields]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._transcribed(obj)

    def has_add_permission(self, request, *args):
        # An inline is given its parent: no new rows under a transcribed record.
        return super().has_add_permission(request, *args) and not (args and self._transcribed(args[0]))

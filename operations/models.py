from django.db import models


class DataVersion(models.Model):
    """The one row of `evalbase_data_version`: raised by triggers whenever the evidence changes
    (operations/data_version.py), read by evalbase/lib/aggregates.py. Its table and triggers are
    created after every `migrate`, not by a migration: they must follow every other app's tables."""

    n = models.BigIntegerField()

    class Meta:
        managed = False
        db_table = "evalbase_data_version"

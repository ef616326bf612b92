from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from .data_version import install_after_migrate

        # Once per `migrate` (sent for this app after all migrations have run).
        post_migrate.connect(install_after_migrate, sender=self)

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FindingsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'findings'

    def ready(self):
        from .fulltext import keep_triggers

        post_migrate.connect(keep_triggers, sender=self)

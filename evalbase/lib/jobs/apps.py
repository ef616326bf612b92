from django.apps import AppConfig


class ImportJobsConfig(AppConfig):
    name = "evalbase.lib.jobs"
    label = "imports"
    verbose_name = "Import jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # django-tasks-db lists its queue in the admin; the job's page shows what a person needs and the
        # log keeps the tracebacks, so the queue stays out of the admin that Admins (not superusers) use.
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)

"""Imports run as background jobs: an ImportJob per check or write, queued with django-tasks."""

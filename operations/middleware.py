"""While the database is out of reach, pages answer 503 with Retry-After instead of a 500."""

import logging

from django.db import InterfaceError, OperationalError

from .views import database_unavailable

log = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database (a restart, a failover, a full connection table).

    Persistent connections are health-checked first (CONN_HEALTH_CHECKS), so a dropped connection
    is replaced rather than failing the request; this catches what remains: no database to connect
    to. Errors raised outside views (the session saved after the response) reach `handler500`,
    which answers the same way (evalbase/urls.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            log.error("Database unavailable: %s %s: %s", request.method, request.path, exception)
            return database_unavailable(request)
        return None

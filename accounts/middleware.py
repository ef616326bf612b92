"""Private browsing: with EVALBASE_PUBLIC_BROWSING=false every page asks for a signed-in user."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware


class PrivateBrowsingMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, switched on by the setting.

    Views marked `login_not_required` (the login page) stay open, and so do static files and the
    favicon, which a login page needs. The setting is read per request so tests can change it.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.EVALBASE_PUBLIC_BROWSING:
            return None
        if request.path_info == "/favicon.ico" or request.path.startswith(settings.STATIC_URL):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

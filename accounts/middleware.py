"""Private browsing: with EVALBASE_PUBLIC_BROWSING=false every page asks for a person with a role."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse

# Held by every role (accounts.models.Account); a signed-in person without a role lacks it.
BROWSE_PERMISSION = "accounts.browse"

# Signing out stays possible for everyone, a person without a role included.
ALWAYS_OPEN_VIEWS = {"logout", "admin:logout"}


class PrivateBrowsingMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, switched on by the setting, and a role check after it.

    An anonymous visitor is sent to the login page (the admin's, for an admin page); a signed-in
    person without the browse permission gets a 403 page saying they have no role yet. Views marked
    `login_not_required` (the login pages), logging out, static files and the favicon stay open.
    The setting is read per request so tests can change it.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.EVALBASE_PUBLIC_BROWSING or _always_open(request, view_func):
            return None
        if not request.user.is_authenticated:
            if request.resolver_match.app_name == "admin":  # as with public browsing
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            return self.handle_no_permission(request, view_func)
        if not request.user.has_perm(BROWSE_PERMISSION):
            return render(request, "accounts/no_role.html", status=403)
        return None


def _always_open(request, view_func):
    if request.path_info == "/favicon.ico" or request.path.startswith(settings.STATIC_URL):
        return True
    if not getattr(view_func, "login_required", True):  # marked login_not_required
        return True
    return request.resolver_match is not None and request.resolver_match.view_name in ALWAYS_OPEN_VIEWS

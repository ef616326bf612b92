"""Refuse requests whose text no page can hold: NUL bytes, and bytes that are not UTF-8.

A NUL byte reaches PostgreSQL as an error ("A string literal cannot contain NUL"), and a lone
surrogate (percent-encoded as %ED%A0%80) is not UTF-8, which Django would silently turn into U+FFFD.
Neither is anything a person typed: the request is answered 400 with a message, before any view
or database sees it. The path, the query string and URL-encoded forms are checked as raw bytes,
before Django decodes them; multipart forms (uploads) once parsed, field by field, for NUL bytes
(Django's multipart parser already replaces bytes that are not UTF-8).
"""

from urllib.parse import unquote_to_bytes

from django.shortcuts import render


def text_problem(data):
    """Why the bytes `data` are not acceptable text, or None."""
    if b"\x00" in data:
        return "a NUL byte"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "bytes that are not UTF-8 text (such as a lone surrogate)"
    return None


def _unquoted(raw):
    if isinstance(raw, str):
        raw = raw.encode("iso-8859-1", "replace")
    return unquote_to_bytes(raw.replace(b"+", b" "))


def _form_problem(request):
    if any("\x00" in value for _, values in request.POST.lists() for value in values):
        return "a NUL byte"
    return None


class RejectMalformedTextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # WSGI hands over the path already unquoted and the query string still percent-encoded,
        # both as bytes in latin-1 strings.
        path = request.META.get("PATH_INFO", "").encode("iso-8859-1", "replace")
        checks = [("address", path), ("query string", _unquoted(request.META.get("QUERY_STRING", "")))]
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            checks.append(("form", _unquoted(request.body)))
        for where, raw in checks:
            if problem := text_problem(raw):
                return self.refuse(request, f"The {where} contains {problem}.")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Multipart forms: their text fields, once parsed (after the CSRF check, which parses them too)."""
        if request.method != "POST" or not request.content_type.startswith("multipart/"):
            return None
        if getattr(view_func, "csrf_exempt", False):
            return None  # such a view may stream its own upload: leave the body unread
        if problem := _form_problem(request):
            return self.refuse(request, f"The form contains {problem}.")
        return None

    @staticmethod
    def refuse(request, reason):
        return render(request, "400.html", {"reason": reason}, status=400)

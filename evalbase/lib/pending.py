"""An upload kept between its preview and its confirmation, in Django's default storage.

The default storage is shared by every worker and host (a temporary directory is not), so the
confirmation may reach another process than the preview did. The upload is stored under an
unguessable token that only the user's session holds; confirm reads it from there, never from the
browser. Uploads previewed and never confirmed are deleted once older than MAX_AGE, when the next
one is kept.
"""

import re
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "pending-imports"
MAX_AGE = timedelta(hours=24)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


def keep(content):
    """Store `content` (bytes) and return its token; delete abandoned uploads first."""
    discard_abandoned()
    name = default_storage.save(_name(secrets.token_urlsafe(32)), ContentFile(content))
    return name.rpartition("/")[2]  # as stored: a storage may change a name it already holds


def load(token):
    """The stored upload, or None if the token is malformed, unknown or expired."""
    if not _is_token(token):
        return None
    try:
        if _expired(_name(token)):
            discard(token)
            return None
        with default_storage.open(_name(token), "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        return None


def discard(token):
    if _is_token(token):
        default_storage.delete(_name(token))


def discard_abandoned():
    """Delete the uploads kept for longer than MAX_AGE."""
    try:
        _, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    for name in names:
        try:
            if _is_token(name) and _expired(_name(name)):
                default_storage.delete(_name(name))
        except FileNotFoundError:  # confirmed or deleted by another worker meanwhile
            pass


def _is_token(token):
    return isinstance(token, str) and _TOKEN.match(token) is not None


def _name(token):
    return f"{FOLDER}/{token}"


def _expired(name):
    return timezone.now() - default_storage.get_modified_time(name) > MAX_AGE

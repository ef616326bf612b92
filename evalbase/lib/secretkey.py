"""The secret key of a single-machine install: made once into a file only its owner can read.

Settings read SECRET_KEY from the environment first; without it, this file holds the key, so a
newcomer's first `make run` is signed with a key of its own and `manage.py` finds the same key
later. Several app servers must share one key: set SECRET_KEY on all of them (README).
Standard library only: settings import this before Django is set up.
"""

import os
import secrets
from pathlib import Path


class SecretKeyError(Exception):
    pass


def read_or_create(path):
    """The key in `path`, written first (mode 0600) if the file does not exist yet."""
    path = Path(path)
    if not path.exists():
        _create(path)
    key = path.read_text().strip()
    if len(key) < 50:
        raise SecretKeyError(f"{path} holds no usable secret key (under 50 characters): delete it to make a new one.")
    return key


def _create(path):
    """Write the key to a private temporary file, then link it into place.

    Two processes starting at once (gunicorn workers) both try; `os.link` refuses to replace an
    existing file, so the first one wins and every process reads the same, complete key.
    """
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(64) + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    except OSError as error:
        raise SecretKeyError(f"Cannot write the secret key file {path} ({error}): set SECRET_KEY instead.") from error

"""The SECRET_KEY file: made once at installation, copied to every app server, kept with the backups."""
import os
import secrets
from pathlib import Path


def write_key_file(path: Path) -> None:
    """Write a new key to `path` (mode 600); never overwrites an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(64))

"""Typed readers of environment variables; settings come only from here."""

import os
import secrets
import time
from pathlib import Path


class ConfigError(RuntimeError):
    """An environment variable holds a value of the wrong shape."""


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def envsecret(name: str, fallback_file: Path) -> tuple[str, bool]:
    """The secret from NAME, from the file named by NAME_FILE, or generated once into a file.

    Returns (secret, generated): generated is True when neither NAME nor NAME_FILE is set,
    so a deployment check can say that several servers would each hold a different key.
    """
    value = os.environ.get(name)
    if value:
        return value, False
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip(), False
    fallback_file.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    try:
        # Private from the first byte: no window in which another user could read the key.
        fd = os.open(fallback_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_written(fallback_file), True
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value, True


def _read_written(path: Path) -> str:
    """A key file's content, waiting briefly if another process is still writing it."""
    for _ in range(50):
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.1)
    raise ConfigError(f"{path} is empty: delete it or set SECRET_KEY")

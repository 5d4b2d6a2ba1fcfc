"""Test settings: only what makes the suite fast and hermetic."""

from kechuang.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Live-server request threads must not keep database sessions open past a test.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

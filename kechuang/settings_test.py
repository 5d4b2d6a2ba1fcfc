"""Test settings: only what makes the suite fast and hermetic."""

import atexit
import shutil
import tempfile
from pathlib import Path

from kechuang.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Live-server request threads must not keep database sessions open past a test.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Files the suite writes (match indexes, pending imports) go to a scratch folder, removed at exit.
VAR_DIR = Path(tempfile.mkdtemp(prefix="kechuang-test-"))
IMPORT_UPLOAD_DIR = VAR_DIR / "imports"
atexit.register(shutil.rmtree, VAR_DIR, ignore_errors=True)

# Throttling counts in a per-process memory cache (production: the shared database cache).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Tests call the API far faster than any client may; test_throttling lowers a rate itself.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {  # noqa: F405
    "anon": "100000/min",
    "user": "100000/min",
    "token": "100000/min",
}

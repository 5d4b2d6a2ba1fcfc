"""What every browser test shares: Debian's Chromium, and the reference data the migrations
load, which a live-server test's flush removes.

Drives /usr/bin/chromium through Playwright; never downloads a browser (`make test` installs
Debian's chromium when missing, so a missing browser fails rather than skips).
"""

import importlib
import os

# Playwright's sync API runs an event loop in this thread; Django's ORM calls are still safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# (migration module, loader function) of the data migrations, in dependency order.
DATA_MIGRATIONS = (
    ("kechuang.core.migrations.0003_load_regions", "load_regions"),
    ("kechuang.enterprises.migrations.0003_national_tiers", "load"),
    ("kechuang.indicators.migrations.0002_load_indicators", "load"),
)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def reload_reference_data() -> None:
    """Loads again what the data migrations loaded, if a flush removed it (idempotent)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from kechuang.core.models import Region

    ContentType.objects.clear_cache()
    if Region.objects.filter(code="331121101").exists():
        return
    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


def new_page(timeout_ms: int = 15_000):
    """A Chromium page in a fresh zh-CN context, closed with its browser afterwards; for a
    pytest fixture: `yield from new_page()`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
        context.set_default_timeout(timeout_ms)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()

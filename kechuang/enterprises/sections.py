"""Sections other apps add to the enterprise record page.

An app's AppConfig may define `enterprise_sections(enterprise, user)` returning
a list of {"title": ..., "template": ..., "context": {...}}; this collects them.
"""

from django.apps import apps


def record_sections(enterprise, user) -> list[dict]:
    sections = []
    for config in apps.get_app_configs():
        provider = getattr(config, "enterprise_sections", None)
        if provider:
            sections.extend(provider(enterprise, user))
    return sections

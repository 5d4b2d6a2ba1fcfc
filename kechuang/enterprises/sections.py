"""Sections of the enterprise record page, in order: each part of the app adds its own,
and other apps may add theirs through `enterprise_sections(enterprise, user)` on their
AppConfig. A section is {"title": ..., "template": ..., "context": {...}}.
"""

from django.apps import apps


def record_sections(enterprise, user) -> list[dict]:
    from kechuang.enterprises.selectors import annual, pool, qualifications, visits

    sections = []
    for provider in (
        qualifications.record_sections,
        annual.record_sections,
        pool.record_sections,
        visits.record_sections,
    ):
        sections.extend(provider(enterprise, user))
    for config in apps.get_app_configs():
        provider = getattr(config, "enterprise_sections", None)
        if provider:
            sections.extend(provider(enterprise, user))
    return sections

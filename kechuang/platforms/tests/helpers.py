"""Platforms of the cast for the tests: a firm-hosted one in township A (enterprise A), one
in township B, and one of the cast's institution."""

import datetime

from kechuang.platforms.choices import PlatformLevel, PlatformStatus, PlatformType
from kechuang.platforms.models import Platform

DAY = datetime.date(2023, 5, 4)
_serial = iter(range(1, 10_000))


def make_platform(case, *, host=None, status=PlatformStatus.PLANNED, **fields) -> Platform:
    """A platform saved directly in `status` (dates and number filled as that state needs)."""
    host = host or case.ent_a
    field = "host_institution" if host._meta.model_name == "institution" else "host_enterprise"
    values = {
        "name": f"测试平台{next(_serial)}",
        "type": PlatformType.HNTE_RND_CENTRE,
        "level": PlatformLevel.PROVINCIAL,
        field: host,
        "status": status,
    }
    if status in (PlatformStatus.APPLIED, PlatformStatus.RECOGNISED, PlatformStatus.REVOKED):
        # The number is known before the move to 已认定 (the workflow table takes it).
        values.update(
            applied_on=datetime.date(2023, 3, 1), recognition_number="浙科发高〔2023〕56号"
        )
    if status in (PlatformStatus.RECOGNISED, PlatformStatus.REVOKED):
        values["recognised_on"] = datetime.date(2023, 4, 1)
    values.update(fields)
    platform = Platform(**values)
    platform.full_clean()
    platform.save()
    return platform

"""Today's date for business rules (deadlines, validity, default years).

KECHUANG_TODAY pins it (YYYY-MM-DD): the demo runs as of the seed report's date,
2023-06-30, so its deadlines and expiries read as they did then.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def today() -> datetime.date:
    pinned = getattr(settings, "KECHUANG_TODAY", "")
    if pinned:
        return datetime.date.fromisoformat(pinned)
    return timezone.localdate()

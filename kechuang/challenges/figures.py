"""Figures of the challenge board (core/figures.py): challenges published and challenges
taken (揭榜成功), by the firm's township, each listed by the challenge list page."""

from django.db.models import Q

from kechuang.challenges.choices import TAKEN_STATUSES
from kechuang.challenges.models import Challenge
from kechuang.core import figures
from kechuang.core.figures import ByRegion, Figure, Period
from kechuang.core.models import Region

# Challenges published in the period's year by its last day, whatever became of them.
published = ByRegion(
    Challenge,
    lambda p: Q(published_on__gte=p.start, published_on__lte=p.end),
    "enterprise__township__code",
)
# Challenges a bid was selected for (揭榜成功) in the span, contracted since or not.
taken = ByRegion(
    Challenge,
    lambda p: Q(status__in=TAKEN_STATUSES, decided_on__gte=p.start, decided_on__lte=p.end),
    "enterprise__township__code",
)


def _published_page(region: Region, period: Period) -> str:
    return figures.page(
        "challenges:challenge_list",
        region=region.code,
        published_since=period.start.isoformat(),
        published_until=period.end.isoformat(),
    )


def _taken_page(region: Region, period: Period) -> str:
    return figures.page(
        "challenges:challenge_list",
        region=region.code,
        taken="true",
        decided_since=period.start.isoformat(),
        decided_until=period.end.isoformat(),
    )


figures.register(
    Figure.by_region(
        "challenges.published",
        "发布揭榜挂帅榜题",
        "项",
        published,
        _published_page,
        "当年发布、截至期末的揭榜挂帅榜题（按出题企业所在地，不论此后状态）",
    )
)
figures.register(
    Figure.by_region(
        "challenges.taken",
        "揭榜成功",
        "项",
        taken,
        _taken_page,
        "当年选定揭榜单位的榜题（按出题企业所在地，含此后签约的）",
    )
)

"""The cast of the challenge tests: a published 2023 list of 青田县 open for bids, and
helpers that make challenges, bids, reviewers and reviews in a given state."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.test import override_settings

from kechuang.challenges.choices import BidStatus, ChallengeStatus
from kechuang.challenges.models import Bid, Challenge, ChallengeList, ChallengeReviewer, Review
from kechuang.core.tests.cast import CastTestCase

D = datetime.date
TODAY = "2023-06-30"
_serial = itertools.count(1)
ALL_80 = {k: "80" for k in ("approach", "team", "record", "schedule", "price", "prospect")}


@override_settings(KECHUANG_TODAY=TODAY)
class ChallengeCastTestCase(CastTestCase):
    """The cast, plus `lst`: 青田县's published 2023 list, taking bids until 31 July."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.lst = ChallengeList.objects.create(
            year=2023,
            title="2023年青田县揭榜挂帅榜单",
            region=cls.county,
            opens_on=D(2023, 6, 1),
            closes_on=D(2023, 7, 31),
            published=True,
            published_on=D(2023, 6, 1),
        )

    def challenge(self, status=ChallengeStatus.PUBLISHED, *, enterprise=None, lst=True, **fields):
        n = next(_serial)
        defaults = {
            "title": f"阀门密封面耐磨技术攻关{n}",
            "problem": "密封面磨损快，寿命不足一年",
            "goal": "寿命提高到三年，泄漏率达到 A 级",
            "budget": Decimal("800000"),
            "deadline": D(2024, 6, 30),
            "contact_person": "张三丰",
            "contact_phone": "13800001111",
            "budget_ceiling": Decimal("1000000"),
            "internal_note": "企业愿意配套中试线",
        }
        defaults.update(fields)
        return Challenge.objects.create(
            enterprise=enterprise or self.ent_a,
            challenge_list=self.lst if lst else None,
            status=status,
            published_on=D(2023, 6, 1)
            if status not in ("posted", "refined", "withdrawn")
            else None,
            **defaults,
        )

    def bid(self, challenge, institution=None, status=BidStatus.SUBMITTED, price="600000"):
        return Bid.objects.create(
            challenge=challenge,
            institution=institution or self.institution,
            approach="激光熔覆钴基合金涂层",
            team="赵教授 教授 负责人",
            milestones=[{"title": "完成中试", "due_on": "2023-12-31"}],
            price=Decimal(price),
            status=status,
            submitted_on=D(2023, 6, 10),
        )

    def assign(self, challenge, *users):
        for user in users:
            ChallengeReviewer.objects.create(
                challenge=challenge, reviewer=user, assigned_on=D(2023, 7, 1)
            )

    def review(self, bid, reviewer, scores=None):
        return Review.objects.create(
            bid=bid,
            reviewer=reviewer,
            scores=scores or ALL_80,
            submitted_at=datetime.datetime(2023, 7, 2, tzinfo=datetime.UTC),
        )

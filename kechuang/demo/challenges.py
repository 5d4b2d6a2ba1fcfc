"""Loads the 揭榜挂帅 demo through the challenge board's services: the county's 2023 list
(企业出题、高校院所解题、政府助题) with two challenges from demo firms' demands. The valve
one is closed, scored by three of the bureau and taken by 北科大青田研究院 (its contract is
left unsigned, so the seed's technology market turnover stays as reported); the stainless
one still takes bids on the demo's day, 30 June 2023. Every step is skipped when its record
is there, so a second load writes nothing."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from kechuang.challenges import services
from kechuang.challenges.choices import BidStatus, ChallengeStatus
from kechuang.challenges.models import Bid, Challenge, ChallengeList, Review
from kechuang.core import workflow
from kechuang.demo import dataset
from kechuang.institutions.models import Institution
from kechuang.transfer.models import Achievement, Demand

D = datetime.date
WAN = Decimal(10_000)
LIST_TITLE = "2023年青田县“揭榜挂帅”榜单"
KEYS = ("approach", "team", "record", "schedule", "price", "prospect")

# (demand title, challenge title, goal, budget 万元, deadline, bids)
# bids: (institution, price 万元, approach, scores per reviewer (leader, staff, admin) or None)
CHALLENGES = (
    (
        "阀门密封面耐磨损技术",
        "球阀密封面耐磨强化技术攻关",
        "密封面硬度不低于 HRC 55，使用寿命由 1 年提高到 3 年，泄漏等级达到 GB/T 13927 A 级。",
        120,
        D(2024, 6, 30),
        (
            (
                dataset.BKD_INSTITUTE,
                110,
                "激光熔覆钴基合金涂层，配合熔覆后精磨；在研究院中试线完成样阀试制。",
                ((88, 85, 80, 85, 80, 90), (90, 80, 85, 80, 85, 85), (85, 85, 80, 90, 75, 90)),
            ),
            (
                "浙江理工大学",
                95,
                "超音速火焰喷涂碳化钨涂层，委托企业现有喷涂线加工。",
                ((80, 75, 70, 80, 90, 75), (78, 80, 70, 75, 90, 70), (82, 75, 75, 80, 85, 80)),
            ),
        ),
    ),
    (
        "不锈钢连铸坯表面裂纹控制",
        "不锈钢连铸坯表面纵裂控制技术",
        "连铸坯表面纵裂发生率降低 50%，冷轧表面缺陷判废率降到 0.5% 以下。",
        200,
        D(2024, 12, 31),
        (("北京科技大学", 180, "结晶器保护渣成分优化与液面波动控制。", None),),
    ),
)
REFINED_ON, PUBLISHED_ON = D(2023, 4, 6), D(2023, 4, 10)
CLOSED_ON, REVIEW_ON, SELECTED_ON = D(2023, 5, 20), D(2023, 5, 22), D(2023, 6, 8)


def challenges_load(admin, users: dict, regions: dict) -> dict:
    counts = Counter()
    county = regions[dataset.COUNTY]
    lst = ChallengeList.objects.filter(year=2023, title=LIST_TITLE).first()
    if lst is None:
        lst = services.challenge_list_save(
            actor=admin,
            year=2023,
            title=LIST_TITLE,
            region=county,
            opens_on=PUBLISHED_ON,
            closes_on=D(2023, 7, 31),
            criteria="example",
            description="县“揭榜挂帅”：企业出题、高校院所解题、政府助题，张榜征集攻关方案。",
        )
        counts["created"] += 1
    made = [_challenge(admin, lst, spec, counts) for spec in CHALLENGES]
    if not lst.published:
        services.challenge_list_publish(actor=admin, challenge_list=lst, on=PUBLISHED_ON)
    reviewers = [users["leader"], users["staff"], admin]
    for challenge, spec in zip(made, CHALLENGES, strict=True):
        bids = [_bid(admin, challenge, bid_spec, counts) for bid_spec in spec[5]]
        if spec[5][0][3] is not None:
            _review_and_select(admin, challenge, bids, spec[5], reviewers, counts)
    return dict(counts)


def _challenge(admin, lst, spec, counts) -> Challenge:
    demand_title, title, goal, budget, deadline, _ = spec
    challenge = Challenge.objects.filter(challenge_list=lst, title=title).first()
    if challenge is not None:
        return challenge
    demand = Demand.objects.filter(title=demand_title).order_by("code").first()
    challenge = services.challenge_save(
        actor=admin,
        enterprise=demand.enterprise,
        demand=demand,
        title=title,
        goal=goal,
        budget=Decimal(budget) * WAN,
        deadline=deadline,
        contact_person=demand.enterprise.contact_person,
        contact_phone=demand.enterprise.contact_phone,
        budget_ceiling=Decimal(budget) * WAN * Decimal("1.2"),
        challenge_list=lst,
    )
    workflow.take(
        admin, challenge, ChallengeStatus.REFINED, comment="已与企业确认指标", on=REFINED_ON
    )
    counts["created"] += 1
    return challenge


def _bid(admin, challenge, spec, counts) -> Bid:
    name, price, approach, _ = spec
    institution = Institution.objects.get(name=name)
    bid = Bid.objects.filter(challenge=challenge, institution=institution).first()
    if bid is not None:
        return bid
    cited = Achievement.objects.filter(owner_institution=institution).order_by("code")[:1]
    bid = services.bid_save(
        actor=admin,
        challenge=challenge,
        institution=institution,
        approach=approach,
        team=f"{institution.short_name or institution.name}项目组：负责人 1 名、骨干 4 名",
        milestones=[
            {"title": "完成方案设计与小试", "due_on": "2023-10-31"},
            {"title": "完成中试与样品验证", "due_on": challenge.deadline.isoformat()},
        ],
        price=Decimal(price) * WAN,
        achievements=list(cited),
        on=D(2023, 5, 5),
    )
    counts["created"] += 1
    return bid


def _review_and_select(admin, challenge, bids, specs, reviewers, counts) -> None:
    challenge.refresh_from_db()
    if challenge.status == ChallengeStatus.PUBLISHED:
        workflow.take(admin, challenge, ChallengeStatus.CLOSED, on=CLOSED_ON)
        challenge.refresh_from_db()
    if challenge.status == ChallengeStatus.CLOSED:
        for reviewer in reviewers:
            services.reviewer_assign(actor=admin, challenge=challenge, reviewer=reviewer)
        workflow.take(admin, challenge, ChallengeStatus.REVIEWING, on=REVIEW_ON)
    for bid, (_, _, _, by_reviewer) in zip(bids, specs, strict=True):
        for reviewer, scores in zip(reviewers, by_reviewer, strict=True):
            if not Review.objects.filter(bid=bid, reviewer=reviewer).exists():
                services.review_save(
                    actor=reviewer, bid=bid, scores=dict(zip(KEYS, scores, strict=True))
                )
                counts["created"] += 1
    winner = Bid.objects.get(pk=bids[0].pk)
    if winner.status != BidStatus.SELECTED:
        services.bid_transition(
            actor=admin,
            bid=winner,
            status=BidStatus.SELECTED,
            comment="加权总分第一，方案成熟、有中试条件",
            on=SELECTED_ON,
        )
        winner.refresh_from_db()
    if not winner.project_id:
        # 择优立项 under the county's 2023 揭榜挂帅 call; the contract is signed later.
        services.bid_project_create(actor=admin, bid=winner, on=SELECTED_ON)

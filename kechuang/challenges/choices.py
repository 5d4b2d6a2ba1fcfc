"""Statuses of challenges (榜题) and bids (投标), and the workflows that move them.

A challenge is posted by its firm (or by a liaison or the bureau on its behalf), refined and
approved by the bureau, published on a list (榜单), closed for bids, reviewed, and ends
揭榜成功 (a bid selected, then contracted) or 流榜. Selection and contracting are not moves
anyone takes on the challenge: the challenge follows its bid (services.bid_selected) and the
contract (services.bid_contract_sign).
"""

from django.db import models

from kechuang.core.choices import BUREAU_ROLES, Role
from kechuang.core.workflow import COMMENT, Transition, Workflow


class ChallengeStatus(models.TextChoices):
    POSTED = "posted", "已提交"
    REFINED = "refined", "已审核"
    PUBLISHED = "published", "揭榜中"
    CLOSED = "closed", "已截止"
    REVIEWING = "reviewing", "评审中"
    SELECTED = "selected", "揭榜成功"
    FAILED = "failed", "流榜"
    CONTRACTED = "contracted", "已签约"
    WITHDRAWN = "withdrawn", "已撤回"


# From publication on, a challenge is read by every signed-in user (its public fields).
PUBLIC_CHALLENGE_STATUSES = (
    ChallengeStatus.PUBLISHED,
    ChallengeStatus.CLOSED,
    ChallengeStatus.REVIEWING,
    ChallengeStatus.SELECTED,
    ChallengeStatus.FAILED,
    ChallengeStatus.CONTRACTED,
)
# Challenges a bid was taken for (揭榜成功), contracted or not.
TAKEN_STATUSES = (ChallengeStatus.SELECTED, ChallengeStatus.CONTRACTED)
# Who may post for a firm: its own user, the liaison of its township, the bureau.
POSTERS = frozenset({*BUREAU_ROLES, Role.LIAISON, Role.ENTERPRISE})

CHALLENGE_WORKFLOW = Workflow(
    states=ChallengeStatus,
    name="榜题状态",
    transitions=[
        Transition(
            ChallengeStatus.REFINED,
            sources=[ChallengeStatus.POSTED],
            roles=BUREAU_ROLES,
            label="审核通过",
        ),
        Transition(
            ChallengeStatus.POSTED,
            sources=[ChallengeStatus.REFINED],
            roles=BUREAU_ROLES,
            label="退回修改",
            requires={COMMENT},
        ),
        Transition(
            ChallengeStatus.PUBLISHED,
            sources=[ChallengeStatus.REFINED],
            roles=BUREAU_ROLES,
            label="发布揭榜",
            stamps="published_on",
            after="kechuang.challenges.services.challenge_published",
        ),
        Transition(
            ChallengeStatus.CLOSED,
            sources=[ChallengeStatus.PUBLISHED],
            roles=BUREAU_ROLES,
            label="截止揭榜",
            stamps="closed_on",
        ),
        Transition(
            ChallengeStatus.REVIEWING,
            sources=[ChallengeStatus.CLOSED],
            roles=BUREAU_ROLES,
            label="开始评审",
            after="kechuang.challenges.services.review_opened",
        ),
        Transition(
            ChallengeStatus.FAILED,
            sources=[
                ChallengeStatus.PUBLISHED,
                ChallengeStatus.CLOSED,
                ChallengeStatus.REVIEWING,
            ],
            roles=BUREAU_ROLES,
            label="流榜",
            requires={COMMENT},
            stamps="decided_on",
            after="kechuang.challenges.services.challenge_failed",
        ),
        Transition(
            ChallengeStatus.WITHDRAWN,
            sources=[ChallengeStatus.POSTED, ChallengeStatus.REFINED],
            roles=POSTERS,
            label="撤回",
        ),
    ],
)


class BidStatus(models.TextChoices):
    SUBMITTED = "submitted", "已投标"
    SHORTLISTED = "shortlisted", "入围"
    SELECTED = "selected", "中选"
    NOT_SELECTED = "not_selected", "未中选"
    WITHDRAWN = "withdrawn", "已撤回"


# Bids still in the running: reviewed, and decided when the challenge is.
LIVE_BID_STATUSES = (BidStatus.SUBMITTED, BidStatus.SHORTLISTED)

BID_WORKFLOW = Workflow(
    states=BidStatus,
    name="投标状态",
    transitions=[
        Transition(
            BidStatus.WITHDRAWN,
            sources=[BidStatus.SUBMITTED],
            roles={Role.INSTITUTE},
            label="撤回投标",
        ),
        Transition(
            BidStatus.SHORTLISTED,
            sources=[BidStatus.SUBMITTED],
            roles=BUREAU_ROLES,
            label="入围",
        ),
        Transition(
            BidStatus.SELECTED,
            sources=LIVE_BID_STATUSES,
            roles=BUREAU_ROLES,
            label="选定（揭榜成功）",
            requires={COMMENT},
            stamps="decided_on",
            after="kechuang.challenges.services.bid_selected",
        ),
        Transition(
            BidStatus.NOT_SELECTED,
            sources=LIVE_BID_STATUSES,
            roles=BUREAU_ROLES,
            label="不予选定",
            requires={COMMENT},
            stamps="decided_on",
        ),
    ],
)

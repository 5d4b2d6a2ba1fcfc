"""Every write of the challenge board: one function per business action, one transaction each.

Who may write what:
  lists       bureau staff and leaders, for their county;
  challenges  the firm's own user, the liaison of its township and the bureau post them and
              change them while posted; the bureau refines them (and puts them on a list)
              until published; moves go through the workflow (choices.CHALLENGE_WORKFLOW);
  reviewers   the bureau assigns staff and leaders of the list's county;
  bids        an institute user for its institution, while the challenge takes bids;
  reviews     the assigned reviewers, while the challenge is under review;
  selection   the bureau, once every reviewer has scored every bid in the running;
  contract    the bureau registers the technology contract in transfer (contract_save);
  project     the bureau creates the project in projects (project_create_from).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kechuang.challenges.choices import (
    LIVE_BID_STATUSES,
    BidStatus,
    ChallengeStatus,
)
from kechuang.challenges.models import Bid, Challenge, ChallengeList, ChallengeReviewer, Review
from kechuang.core import clock, concurrency, workflow
from kechuang.core.choices import BUREAU_ROLES, RegionLevel, Role
from kechuang.core.models import User
from kechuang.core.scoping import can_write_region, is_bureau, require_editable, require_visible
from kechuang.enterprises.models import Enterprise
from kechuang.transfer.models import Achievement

LIST_FIELDS = (
    "year",
    "title",
    "region",
    "opens_on",
    "closes_on",
    "criteria",
    "call_id",
    "description",
)
# What the firm's side writes while the challenge is posted.
CHALLENGE_FIELDS = (
    "enterprise",
    "demand",
    "title",
    "problem",
    "goal",
    "budget",
    "deadline",
    "contact_person",
    "contact_phone",
    "budget_ceiling",
)
# What the bureau adds when refining it.
BUREAU_CHALLENGE_FIELDS = (*CHALLENGE_FIELDS, "challenge_list", "internal_note")
BID_FIELDS = ("approach", "team", "milestones", "price")
# The states in which each side may still edit a challenge.
FIRM_EDITABLE = (ChallengeStatus.POSTED,)
BUREAU_EDITABLE = (ChallengeStatus.POSTED, ChallengeStatus.REFINED)


def _active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _save(obj, actor: User) -> None:
    obj.full_clean()
    concurrency.save_changed(obj, actor=actor)


# --- permissions -------------------------------------------------------------------------


def may_post_challenge(user: User) -> bool:
    if not _active(user):
        return False
    if user.is_superuser or user.role in BUREAU_ROLES or user.role == Role.LIAISON:
        return True
    return user.role == Role.ENTERPRISE and user.enterprise_id is not None


def may_bid(user: User) -> bool:
    return _active(user) and (
        user.is_superuser or (user.role == Role.INSTITUTE and user.institution_id is not None)
    )


def may_manage(user: User) -> bool:
    """Lists, refining, reviewers, selection, contracts and projects: the bureau."""
    return _active(user) and is_bureau(user)


def is_open(challenge_list: ChallengeList | None, day: datetime.date | None = None) -> bool:
    """Whether a published list takes bids on `day` (today by default)."""
    day = day or clock.today()
    return (
        challenge_list is not None
        and challenge_list.published
        and challenge_list.opens_on <= day <= challenge_list.closes_on
    )


# --- lists -------------------------------------------------------------------------------


@transaction.atomic
def challenge_list_save(
    *, actor: User, challenge_list: ChallengeList | None = None, **fields
) -> ChallengeList:
    """Creates a list (challenge_list=None) or changes one; a list belongs to a county."""
    if not may_manage(actor):
        raise PermissionDenied("只有局领导和科室工作人员可以编制榜单")
    if challenge_list is None or challenge_list.pk is None:
        record = ChallengeList(**{k: v for k, v in fields.items() if k in LIST_FIELDS})
        stored_region = None
    else:
        record = concurrency.locked(ChallengeList.objects.editable_by(actor), challenge_list.pk)
        if record is None:
            raise PermissionDenied("无权修改该榜单")
        stored_region = record.region_id
        for name, value in fields.items():
            if name in LIST_FIELDS:
                setattr(record, name, value)
    if not record.region_id:
        raise ValidationError({"region": "请选择发榜区域"})
    if record.region.level != RegionLevel.COUNTY:
        raise ValidationError({"region": "发榜区域应为县（市、区）"})
    if record.region_id != stored_region and not can_write_region(actor, record.region):
        raise PermissionDenied(f"无权在{record.region}发布榜单")
    _save(record, actor)
    return record


@transaction.atomic
def challenge_list_publish(
    *, actor: User, challenge_list: ChallengeList, on: datetime.date | None = None
) -> ChallengeList:
    """Publishes a list on `on` (today by default): every approved (已审核) challenge on it
    goes out for bids."""
    if not may_manage(actor):
        raise PermissionDenied("只有局领导和科室工作人员可以发布榜单")
    record = concurrency.locked(ChallengeList.objects.editable_by(actor), challenge_list.pk)
    if record is None:
        raise PermissionDenied("无权发布该榜单")
    if record.published:
        raise ValidationError({"published": f"榜单“{record.title}”已发布"})
    refined = record.challenges.filter(status=ChallengeStatus.REFINED)
    if not refined.exists():
        raise ValidationError({"published": "榜单上没有已审核的榜题，不能发布"})
    record.published = True
    record.published_on = on or clock.today()
    _save(record, actor)
    for challenge in refined.order_by("pk"):
        workflow.take(
            actor,
            challenge,
            ChallengeStatus.PUBLISHED,
            comment=f"发布榜单“{record}”",
            on=record.published_on,
        )
    return record


# --- challenges --------------------------------------------------------------------------


def _editable_challenge(actor: User, challenge: Challenge) -> Challenge:
    record = concurrency.locked(Challenge.objects.editable_by(actor), challenge.pk)
    if record is None or not may_post_challenge(actor):
        raise PermissionDenied("无权修改该榜题")
    states = BUREAU_EDITABLE if is_bureau(actor) else FIRM_EDITABLE
    if record.status not in states:
        raise ValidationError(
            {"status": f"榜题“{record.title}”{record.get_status_display()}，不能再修改"}
        )
    return record


def _check_firm(actor: User, record: Challenge) -> None:
    if not record.enterprise_id:
        raise ValidationError({"enterprise": "请选择出题企业"})
    if not Enterprise.objects.editable_by(actor).filter(pk=record.enterprise_id).exists():
        raise PermissionDenied(f"无权为{record.enterprise}出题")


@transaction.atomic
def challenge_save(*, actor: User, challenge: Challenge | None = None, **fields) -> Challenge:
    """Posts a challenge for a firm (challenge=None) or changes one. Given a demand of the
    firm and no title, problem or budget, the challenge takes the demand's. The bureau also
    puts it on a list and keeps an internal note."""
    if not may_post_challenge(actor):
        raise PermissionDenied("无权发布榜题")
    allowed = BUREAU_CHALLENGE_FIELDS if is_bureau(actor) else CHALLENGE_FIELDS
    if challenge is None or challenge.pk is None:
        record = Challenge(**{k: v for k, v in fields.items() if k in allowed})
        if actor.role == Role.ENTERPRISE:
            record.enterprise_id = actor.enterprise_id
        before = {}
    else:
        record = _editable_challenge(actor, challenge)
        before = {"enterprise": record.enterprise_id, "demand": record.demand_id}
        before["challenge_list"] = record.challenge_list_id
        for name, value in fields.items():
            if name in allowed:
                setattr(record, name, value)
    if record.enterprise_id != before.get("enterprise"):
        _check_firm(actor, record)
    if record.demand_id and record.demand_id != before.get("demand"):
        require_visible(actor, demand=record.demand)
    if record.challenge_list_id and record.challenge_list_id != before.get("challenge_list"):
        require_editable(actor, challenge_list=record.challenge_list)
    _from_demand(record)
    _save(record, actor)
    return record


def _from_demand(record: Challenge) -> None:
    demand = record.demand if record.demand_id else None
    if demand is None:
        return
    record.title = record.title or demand.title
    record.problem = record.problem or demand.description
    if record.budget is None:
        record.budget = demand.budget
    if record.deadline is None:
        record.deadline = demand.deadline


def challenge_transition(
    *, actor: User, challenge: Challenge, status: str, comment: str = "", on=None
) -> Challenge:
    """Moves a challenge along Challenge.workflow (see choices)."""
    return workflow.take(actor, challenge, status, comment=comment, on=on)


def challenge_published(actor: User, challenge: Challenge, move) -> None:
    """Hook of 发布揭榜: only onto a list that is itself published."""
    lst = challenge.challenge_list
    if lst is None:
        raise ValidationError({"challenge_list": "请先把榜题列入榜单"})
    if not lst.published:
        raise ValidationError({"challenge_list": f"榜单“{lst}”尚未发布，请发布榜单"})


def review_opened(actor: User, challenge: Challenge, move) -> None:
    """Hook of 开始评审: bids to review and reviewers to score them."""
    errors = []
    if not challenge.bids.filter(status__in=LIVE_BID_STATUSES).exists():
        errors.append("没有有效投标，无法评审（可改为流榜）")
    if not challenge.reviewers.exists():
        errors.append("请先指派评审人")
    if errors:
        raise ValidationError({"status": errors})


def challenge_failed(actor: User, challenge: Challenge, move) -> None:
    """Hook of 流榜: the bids still in the running are not selected."""
    for bid in Bid.objects.select_for_update().filter(
        challenge=challenge, status__in=LIVE_BID_STATUSES
    ):
        bid.decided_on = challenge.decided_on
        workflow.follow(actor, bid, BidStatus.NOT_SELECTED, comment="榜题流榜", on=bid.decided_on)


# --- reviewers ---------------------------------------------------------------------------

REVIEWER_STATES = (ChallengeStatus.PUBLISHED, ChallengeStatus.CLOSED, ChallengeStatus.REVIEWING)


def _managed_challenge(actor: User, challenge: Challenge) -> Challenge:
    if not may_manage(actor):
        raise PermissionDenied("只有局领导和科室工作人员可以组织评审")
    record = concurrency.locked(Challenge.objects.editable_by(actor), challenge.pk)
    if record is None:
        raise PermissionDenied("无权管理该榜题")
    return record


@transaction.atomic
def reviewer_assign(*, actor: User, challenge: Challenge, reviewer: User) -> ChallengeReviewer:
    """Assigns a staff member or leader of the list's county to score the challenge's bids."""
    record = _managed_challenge(actor, challenge)
    if record.status not in REVIEWER_STATES:
        raise ValidationError({"reviewer": "榜题发布后、选定前才能指派评审人"})
    county = record.challenge_list.region
    if (
        reviewer is None
        or not reviewer.is_active
        or reviewer.role not in BUREAU_ROLES
        or not county.contains(reviewer.region)
    ):
        raise ValidationError({"reviewer": f"评审人须是{county}的局领导或科室工作人员"})
    assignment = ChallengeReviewer(challenge=record, reviewer=reviewer, assigned_on=clock.today())
    _save(assignment, actor)
    return assignment


@transaction.atomic
def reviewer_remove(*, actor: User, assignment: ChallengeReviewer) -> None:
    """Takes a reviewer off a challenge who has scored none of its bids."""
    record = _managed_challenge(actor, assignment.challenge)
    if record.status not in REVIEWER_STATES:
        raise ValidationError({"reviewer": "榜题已有结果，评审人不能再变动"})
    stored = ChallengeReviewer.objects.filter(pk=assignment.pk, challenge=record).first()
    if stored is None:
        raise PermissionDenied("无权变动该评审人")
    if Review.objects.filter(bid__challenge=record, reviewer_id=stored.reviewer_id).exists():
        raise ValidationError({"reviewer": "该评审人已提交评分，不能撤下"})
    stored._history_user = actor
    stored.delete()


# --- bids --------------------------------------------------------------------------------


def _check_achievements(actor: User, institution, achievements) -> list[Achievement]:
    """Cited achievements: the institution's own or published ones the actor may see."""
    achievements = list(achievements or [])
    ids = {a.pk for a in achievements}
    seen = set(
        Achievement.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if ids - seen:
        raise ValidationError({"achievements": "引用的成果不存在或无权使用"})
    wrong = [
        a for a in achievements if a.owner_institution_id != institution.pk and not a.published
    ]
    if wrong:
        names = "、".join(str(a) for a in wrong)
        raise ValidationError({"achievements": f"只能引用本单位或已发布的成果：{names}"})
    return achievements


@transaction.atomic
def bid_save(
    *,
    actor: User,
    bid: Bid | None = None,
    challenge: Challenge | None = None,
    institution=None,
    achievements=None,
    on: datetime.date | None = None,
    **fields,
) -> Bid:
    """Submits a bid for a challenge (bid=None) or changes one, while the challenge takes
    bids on `on` (today by default; a paper bid keeps the day it was handed in). An
    institute user bids for its own institution."""
    day = on or clock.today()
    if not may_bid(actor):
        raise PermissionDenied("只有院所用户可以揭榜投标")
    if bid is None or bid.pk is None:
        if actor.role == Role.INSTITUTE:
            institution = actor.institution
        if institution is None:
            raise ValidationError({"institution": "请选择揭榜单位"})
        if challenge is None:
            raise ValidationError({"challenge": "请选择榜题"})
        require_visible(actor, challenge=challenge, institution=institution)
        record = Bid(challenge=challenge, institution=institution, submitted_on=day)
    else:
        record = concurrency.locked(Bid.objects.editable_by(actor), bid.pk)
        if record is None:
            raise PermissionDenied("无权修改该投标")
        if record.status != BidStatus.SUBMITTED:
            raise ValidationError({"status": f"投标{record.get_status_display()}，不能再修改"})
    stored = Challenge.objects.select_related("challenge_list").get(pk=record.challenge_id)
    if stored.status != ChallengeStatus.PUBLISHED or not is_open(stored.challenge_list, day):
        raise ValidationError({"challenge": f"榜题“{stored}”不在揭榜期内，不能投标"})
    for name, value in fields.items():
        if name in BID_FIELDS:
            setattr(record, name, value)
    if achievements is not None:
        achievements = _check_achievements(actor, record.institution, achievements)
    if record.price is None:
        raise ValidationError({"price": "请填写报价"})
    _save(record, actor)
    if achievements is not None:
        record.achievements.set(achievements)
    return record


def bid_transition(*, actor: User, bid: Bid, status: str, comment: str = "", on=None) -> Bid:
    """Moves a bid along Bid.workflow: withdrawn by its institution; shortlisted, selected
    or not by the bureau (selection: services.bid_selected)."""
    return workflow.take(actor, bid, status, comment=comment, on=on)


def missing_reviews(challenge: Challenge, also: Bid | None = None) -> list[tuple[User, Bid]]:
    """(reviewer, bid) pairs still to score: every reviewer, every bid in the running."""
    bids = list(challenge.bids.filter(status__in=LIVE_BID_STATUSES).select_related("institution"))
    if also is not None and all(b.pk != also.pk for b in bids):
        bids.append(also)
    reviewers = [r.reviewer for r in challenge.reviewers.select_related("reviewer")]
    done = set(Review.objects.filter(bid__in=bids).values_list("bid_id", "reviewer_id"))
    return [(u, b) for b in bids for u in reviewers if (b.pk, u.pk) not in done]


def bid_selected(actor: User, bid: Bid, move) -> None:
    """Hook of 选定: the challenge must be under review and the review complete; the other
    bids are not selected and the challenge is taken (揭榜成功) on the same day."""
    challenge = Challenge.objects.select_for_update().get(pk=bid.challenge_id)
    if challenge.status != ChallengeStatus.REVIEWING:
        raise ValidationError({"status": "榜题不在评审中，不能选定投标"})
    if not challenge.reviewers.exists():
        raise ValidationError({"status": "尚未指派评审人，不能选定投标"})
    missing = missing_reviews(challenge, also=bid)
    if missing:
        names = "、".join(f"{u.display_name}（{b.institution}）" for u, b in missing[:5])
        raise ValidationError({"status": f"评审尚未完成，还有{len(missing)}份评分未提交：{names}"})
    day = bid.decided_on
    why = f"{bid.institution}中选"
    for other in Bid.objects.select_for_update().filter(
        challenge=challenge, status__in=LIVE_BID_STATUSES
    ):
        other.decided_on = day
        workflow.follow(actor, other, BidStatus.NOT_SELECTED, comment=why, on=day)
    challenge.decided_on = day
    workflow.follow(actor, challenge, ChallengeStatus.SELECTED, comment=why, on=day)


# --- reviews -----------------------------------------------------------------------------


@transaction.atomic
def review_save(*, actor: User, bid: Bid, scores: dict, comment: str = "") -> Review:
    """An assigned reviewer scores a bid in the running (again, until the selection)."""
    if not may_manage(actor):
        raise PermissionDenied("只有指派的评审人可以评分")
    require_visible(actor, bid=bid)
    stored = Bid.objects.select_related("challenge__challenge_list").get(pk=bid.pk)
    challenge = stored.challenge
    if not challenge.reviewers.filter(reviewer=actor).exists():
        raise PermissionDenied("只有指派的评审人可以评分")
    if challenge.status != ChallengeStatus.REVIEWING:
        raise ValidationError({"scores": "榜题不在评审中，不能评分"})
    if stored.status not in LIVE_BID_STATUSES:
        raise ValidationError({"scores": f"投标{stored.get_status_display()}，不再评分"})
    clean, errors = challenge.challenge_list.sheet.check(scores)
    if errors:
        raise ValidationError({"scores": errors})
    review = Review.objects.select_for_update().filter(bid=stored, reviewer=actor).first()
    if review is None:
        review = Review(bid=stored, reviewer=actor)
    review.scores = {key: str(value) for key, value in clean.items()}
    review.comment = (comment or "").strip()
    review.submitted_at = timezone.now()
    _save(review, actor)
    return review


# --- after the selection: contract and project -------------------------------------------


def _selected_bid(actor: User, bid: Bid) -> Bid:
    if not may_manage(actor):
        raise PermissionDenied("只有局领导和科室工作人员可以办理揭榜成果")
    record = concurrency.locked(Bid.objects.editable_by(actor), bid.pk)
    if record is None:
        raise PermissionDenied("无权办理该投标")
    if record.status != BidStatus.SELECTED:
        raise ValidationError({"status": "只有中选的投标才能签约或立项"})
    return record


@transaction.atomic
def bid_contract_sign(
    *,
    actor: User,
    bid: Bid,
    number: str,
    signed_on: datetime.date,
    amount: Decimal | None = None,
    turnover: Decimal | None = None,
) -> Bid:
    """Registers the technology contract of a selected bid in transfer (it counts in the
    technology market turnover): the firm buys, the institution sells, for the agreed price
    (the bid's unless given), in the list's county, from the challenge's demand if any. The
    challenge is then contracted."""
    from kechuang.transfer.choices import ContractDirection, ContractType
    from kechuang.transfer.services import contract_save

    record = _selected_bid(actor, bid)
    if record.contract_id:
        raise ValidationError({"number": "该投标已登记技术合同"})
    challenge = Challenge.objects.select_for_update().get(pk=record.challenge_id)
    amount = record.price if amount is None else amount
    contract = contract_save(
        actor=actor,
        number=number,
        title=f"揭榜挂帅：{challenge.title}"[:160],
        kind=ContractType.DEVELOPMENT,
        buyer_name=challenge.enterprise.name,
        buyer_enterprise=challenge.enterprise,
        seller_name=record.institution.name,
        seller_institution=record.institution,
        amount=amount,
        turnover=amount if turnover is None else turnover,
        registered_on=signed_on,
        # The county's firm buys: technology absorbed (吸纳).
        direction=ContractDirection.ABSORPTION,
        region=challenge.challenge_list.region,
        demand=challenge.demand,
    )
    record.contract = contract
    _save(record, actor)
    workflow.follow(
        actor,
        challenge,
        ChallengeStatus.CONTRACTED,
        comment=f"登记技术合同“{contract.number}”",
        on=signed_on,
    )
    return record


@transaction.atomic
def bid_project_create(*, actor: User, bid: Bid, on: datetime.date | None = None) -> Bid:
    """Turns a selected bid into a project with its milestones (projects app), approved on
    `on` (today unless the bureau records an earlier decision)."""
    record = _selected_bid(actor, bid)
    if record.project_id:
        raise ValidationError({"project_id": "该投标已立项"})
    record.project_id = _create_project(actor, record, on).pk
    _save(record, actor)
    return record


def _create_project(actor: User, bid: Bid, on: datetime.date | None):
    """The one place this app calls the projects app: the project under the list's call, or
    else the county's 揭榜挂帅 call of the list's year."""
    from kechuang.projects import selectors as project_selectors
    from kechuang.projects import services as projects
    from kechuang.projects.models import Call

    challenge = bid.challenge
    board = challenge.challenge_list
    if board.call_id:
        call = Call.objects.visible_to(actor).filter(pk=board.call_id).first()
    else:
        call = project_selectors.jiebang_call(actor, board.region, board.year)
    if call is None:
        raise ValidationError(
            {"project_id": f"{board.year}年没有本县揭榜挂帅计划的申报批次，不能立项"}
        )
    # The firm pays the agreed price; a subsidy the bureau grants is entered on the project.
    return projects.project_create_from(
        actor=actor,
        call=call,
        title=challenge.title,
        lead_enterprise=challenge.enterprise,
        partner_institution=bid.institution,
        own_funds=bid.price,
        government_funds=Decimal(0),
        milestones=list(bid.milestones),
        transfer_demand=challenge.demand,
        reason=f"揭榜挂帅择优立项：{bid.institution.name}中选",
        on=on,
    )

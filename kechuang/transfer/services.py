"""Every write of technology transfer: one function per business action, one transaction each.

Who may write what:
  demands       the firm's own user; a liaison for the firms of their township; bureau staff
                for the firms of their county (whoever may edit the firm);
  achievements  an institute user for their institution; a firm user for their firm; bureau
                staff for any achievement registered in their region;
  matches       bureau staff and liaisons, on the demands of the firms they may edit;
  contracts     bureau staff, for the county the contract counts for.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.core import clock, concurrency, workflow
from kechuang.core.choices import BUREAU_ROLES, RegionLevel, Role
from kechuang.core.models import User
from kechuang.core.scoping import can_write_region, is_bureau, require_editable, require_visible
from kechuang.enterprises.models import Enterprise
from kechuang.transfer.choices import (
    DemandStatus,
    MatchStatus,
    RejectReason,
)
from kechuang.transfer.models import (
    Achievement,
    Demand,
    Match,
    MatchFeedback,
    TechContract,
)

DEMAND_FIELDS = (
    "code",
    "title",
    "description",
    "enterprise",
    "chain",
    "node",
    "field",
    "budget",
    "deadline",
    "source",
)
ACHIEVEMENT_FIELDS = (
    "code",
    "title",
    "abstract",
    "field",
    "maturity",
    "trl",
    "patents",
    "owner_institution",
    "owner_enterprise",
    "region",
    "chain",
    "node",
    "contact_person",
    "contact_phone",
    "transfer_mode",
    "published",
)
CONTRACT_FIELDS = (
    "number",
    "title",
    "kind",
    "buyer_name",
    "buyer_enterprise",
    "seller_name",
    "seller_institution",
    "seller_enterprise",
    "amount",
    "turnover",
    "registered_on",
    "direction",
    "region",
    "demand",
    "achievement",
    "match",
    "event",
)
# How far along a demand is; accepting or moving a match only ever moves its demand forward.
DEMAND_ORDER = [
    DemandStatus.COLLECTED,
    DemandStatus.PUBLISHED,
    DemandStatus.MATCHED,
    DemandStatus.NEGOTIATING,
    DemandStatus.CONTRACTED,
]
LIVE_MATCH = (
    MatchStatus.RECOMMENDED,
    MatchStatus.CONTACTED,
    MatchStatus.NEGOTIATING,
    MatchStatus.CONTRACTED,
)


def _save(obj, actor: User) -> None:
    obj.full_clean()
    # Only the changed columns: concurrent edits of other fields survive.
    concurrency.save_changed(obj, actor=actor)


def _active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# --- permissions -------------------------------------------------------------------------


def may_manage_matches(user: User) -> bool:
    """Bureau staff and leaders, and township liaisons (for the firms of their township)."""
    return _active(user) and (user.is_superuser or user.role in {*BUREAU_ROLES, Role.LIAISON})


def may_post_demand(user: User) -> bool:
    return may_manage_matches(user) or (
        _active(user) and user.role == Role.ENTERPRISE and user.enterprise_id is not None
    )


def may_post_achievement(user: User) -> bool:
    if not _active(user):
        return False
    if user.is_superuser or user.role in BUREAU_ROLES:
        return True
    if user.role == Role.INSTITUTE:
        return user.institution_id is not None
    return user.role == Role.ENTERPRISE and user.enterprise_id is not None


def may_register_contracts(user: User) -> bool:
    return is_bureau(user)


def _check_firm(actor: User, enterprise: Enterprise | None) -> None:
    if enterprise is None:
        raise ValidationError({"enterprise": "请选择提出需求的企业"})
    if not may_post_demand(actor) or not (
        Enterprise.objects.editable_by(actor).filter(pk=enterprise.pk).exists()
    ):
        raise PermissionDenied(f"无权为{enterprise}登记技术需求")


def _editable_demand(actor: User, demand: Demand, *, lock: bool = True) -> Demand:
    queryset = Demand.objects.editable_by(actor).select_related("enterprise__township")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    stored = queryset.filter(pk=demand.pk).first()
    if stored is None or not may_post_demand(actor):
        raise PermissionDenied("无权修改该技术需求")
    return stored


def _matchable_demand(actor: User, demand: Demand) -> Demand:
    stored = _editable_demand(actor, demand)
    if not may_manage_matches(actor):
        raise PermissionDenied("只有科技局工作人员和乡镇联络员可以处理匹配推荐")
    return stored


# --- demands -----------------------------------------------------------------------------


@transaction.atomic
def demand_save(*, actor: User, demand: Demand | None = None, **fields) -> Demand:
    """Creates a demand (demand=None) or changes one; `status` is taken only on creation (an
    import of demands already under way): later moves go through demand_transition."""
    status = fields.pop("status", None)
    if demand is None or demand.pk is None:
        record = Demand(**{k: v for k, v in fields.items() if k in DEMAND_FIELDS})
        if status:
            record.status = DemandStatus(status)
        _check_firm(actor, record.enterprise if record.enterprise_id else None)
    else:
        record = _editable_demand(actor, demand)
        for name, value in fields.items():
            if name in DEMAND_FIELDS:
                setattr(record, name, value)
        if record.enterprise_id != demand.enterprise_id or "enterprise" in fields:
            _check_firm(actor, record.enterprise)
    if record.node_id and not record.chain_id:
        record.chain = record.node.chain
    _check_chain(actor, record)
    record.code = (record.code or "").strip()
    _save(record, actor)
    return record


def _check_chain(actor: User, record: Demand | Achievement) -> None:
    require_visible(
        actor,
        chain=record.chain if record.chain_id else None,
        node=record.node if record.node_id else None,
    )


def demand_transition(*, actor: User, demand: Demand, status: str, note: str = "") -> Demand:
    """Moves a demand along Demand.workflow; any other move is refused, naming both
    statuses. A firm's own user may only close its demand."""
    return workflow.take(actor, demand, status, comment=note)


def _advance_demand(demand: Demand, target: DemandStatus, actor: User, why: str) -> None:
    """Moves the demand forward to `target` (never back, never out of closed)."""
    if demand.status == DemandStatus.CLOSED:
        return
    if DEMAND_ORDER.index(DemandStatus(demand.status)) < DEMAND_ORDER.index(target):
        workflow.follow(actor, demand, target, comment=why)


# --- achievements ------------------------------------------------------------------------


def _county_of(region):
    while region is not None and region.level == RegionLevel.TOWNSHIP:
        region = region.parent
    return region


def _owner_defaults(actor: User, record: Achievement) -> None:
    """Institute and firm users always post as themselves, in their body's county."""
    if actor.is_superuser or actor.role in BUREAU_ROLES:
        return
    if actor.role == Role.INSTITUTE:
        record.owner_institution_id, record.owner_enterprise_id = actor.institution_id, None
        record.region = actor.institution.region
    elif actor.role == Role.ENTERPRISE:
        record.owner_enterprise_id, record.owner_institution_id = actor.enterprise_id, None
        record.region = _county_of(actor.enterprise.township)


@transaction.atomic
def achievement_save(
    *, actor: User, achievement: Achievement | None = None, **fields
) -> Achievement:
    """Creates an achievement (achievement=None) or changes one the actor may edit."""
    if not may_post_achievement(actor):
        raise PermissionDenied("无权登记科技成果")
    if achievement is None or achievement.pk is None:
        record = Achievement(**{k: v for k, v in fields.items() if k in ACHIEVEMENT_FIELDS})
        stored_region = None
    else:
        record = (
            Achievement.objects.editable_by(actor)
            .select_for_update(of=("self",))
            .filter(pk=achievement.pk)
            .first()
        )
        if record is None:
            raise PermissionDenied("无权修改该科技成果")
        stored_region = record.region_id
        for name, value in fields.items():
            if name in ACHIEVEMENT_FIELDS:
                setattr(record, name, value)
    _owner_defaults(actor, record)
    if not record.region_id:
        raise ValidationError({"region": "请选择登记区域"})
    if (
        record.region_id != stored_region
        and actor.role in BUREAU_ROLES
        and not can_write_region(actor, record.region)
    ):
        raise PermissionDenied(f"无权在{record.region}登记科技成果")
    if record.node_id and not record.chain_id:
        record.chain = record.node.chain
    _check_chain(actor, record)
    require_visible(
        actor,
        owner_institution=record.owner_institution if record.owner_institution_id else None,
        owner_enterprise=record.owner_enterprise if record.owner_enterprise_id else None,
    )
    record.code = (record.code or "").strip()
    _save(record, actor)
    return record


# --- matches -----------------------------------------------------------------------------


def achievements_hidden_from(demand: Demand, actor: User) -> list[int]:
    """Unpublished achievements that may not be suggested for a demand: all but the demand's
    own firm's, and of those only the ones the actor may see (matching ranks what both the
    firm and the actor may read)."""
    drafts = Achievement.objects.filter(published=False)
    kept = drafts.filter(owner_enterprise_id=demand.enterprise_id) & drafts.visible_to(actor)
    return list(drafts.exclude(pk__in=kept.values("pk")).values_list("pk", flat=True))


def engine_suggestion(demand: Demand, achievement: Achievement, actor: User) -> dict | None:
    """What the matching engine says of this pair now (score, terms, reasons), or None when
    it would not suggest the achievement for the demand to this actor."""
    from kechuang.transfer import matching

    if achievement.pk in achievements_hidden_from(demand, actor):
        return None
    if not Achievement.objects.visible_to(actor).filter(pk=achievement.pk).exists():
        return None
    found = matching.suggest_for_demand(demand, top=1, allowed=[achievement.pk])
    return found[0] if found else None


@transaction.atomic
def match_accept(
    *, actor: User, demand: Demand, achievement: Achievement, on: datetime.date | None = None
) -> Match:
    """Accepts a suggestion: the pair enters the pipeline as recommended and the demand,
    if not yet further along, becomes matched. The score, terms and reasons stored are the
    engine's, computed here: nothing of them is taken from the caller."""
    stored = _matchable_demand(actor, demand)
    if stored.status == DemandStatus.CLOSED:
        raise ValidationError({"demand": f"需求“{stored.title}”已关闭，不能再采纳推荐"})
    suggestion = engine_suggestion(stored, achievement, actor)
    if suggestion is None:
        raise ValidationError(
            {"achievement": f"匹配引擎未向该需求推荐成果“{achievement}”，不能采纳"}
        )
    match = Match(
        demand=stored,
        achievement=achievement,
        score=Decimal(str(round(float(suggestion["score"]), 3))),
        terms=list(suggestion.get("terms") or []),
        reasons=list(suggestion.get("reasons") or []),
        recommended_on=on or clock.today(),
        accepted_by=actor,
    )
    _save(match, actor)
    MatchFeedback.objects.filter(demand=stored, achievement=achievement).delete()
    _advance_demand(stored, DemandStatus.MATCHED, actor, f"采纳成果“{achievement.title}”")
    return match


@transaction.atomic
def match_reject(
    *, actor: User, demand: Demand, achievement: Achievement, reason: str, note: str = ""
) -> MatchFeedback:
    """Turns a suggestion down with a structured reason; later rankings for the demand use it."""
    stored = _matchable_demand(actor, demand)
    require_visible(actor, achievement=achievement)
    if reason not in RejectReason.values:
        raise ValidationError({"reason": "请选择不采纳的原因"})
    if Match.objects.filter(demand=stored, achievement=achievement).exists():
        raise ValidationError({"achievement": "该成果已采纳进入对接，不能再标记为不采纳"})
    feedback = MatchFeedback(
        demand=stored,
        achievement=achievement,
        reason=reason,
        note=(note or "").strip(),
        created_by=actor,
    )
    _save(feedback, actor)
    return feedback


def _follow_demand(match: Match, actor: User) -> None:
    """The demand follows its match: negotiating, contracted; back to published when its
    last live match is dropped."""
    demand = match.demand
    why = f"对接“{match.achievement.title}”{match.get_status_display()}"
    if match.status == MatchStatus.NEGOTIATING:
        _advance_demand(demand, DemandStatus.NEGOTIATING, actor, why)
    elif match.status == MatchStatus.CONTRACTED:
        _advance_demand(demand, DemandStatus.CONTRACTED, actor, why)
    elif match.status == MatchStatus.DROPPED:
        others = demand.matches.exclude(pk=match.pk).filter(status__in=LIVE_MATCH).exists()
        if not others and demand.status in (DemandStatus.MATCHED, DemandStatus.NEGOTIATING):
            workflow.follow(actor, demand, DemandStatus.PUBLISHED, comment=why)


def match_moved(actor: User, match: Match, move: workflow.Move) -> None:
    """Match.workflow's hook, in the move's transaction: the demand follows."""
    _follow_demand(match, actor)


def match_transition(
    *,
    actor: User,
    match: Match,
    status: str,
    on: datetime.date | None = None,
    note: str = "",
) -> Match:
    """Moves a match along Match.workflow, dating the step; the demand follows."""
    return workflow.take(actor, match, status, comment=note, on=on)


# --- contracts ---------------------------------------------------------------------------


def _contract_links(record: TechContract) -> None:
    """A contract from a match takes its demand and achievement; links must agree."""
    match = record.match
    if match is None:
        return
    if match.status == MatchStatus.DROPPED:
        raise ValidationError({"match": "该对接已终止，不能据此登记合同"})
    if record.demand_id is None:
        record.demand_id = match.demand_id
    if record.achievement_id is None:
        record.achievement_id = match.achievement_id
    if record.demand_id != match.demand_id or record.achievement_id != match.achievement_id:
        raise ValidationError({"match": "来源对接与来源需求、来源成果不一致"})


CONTRACT_LINKS = (
    "buyer_enterprise",
    "seller_institution",
    "seller_enterprise",
    "demand",
    "achievement",
    "event",
)


def _check_contract_links(actor: User, record: TechContract, before: TechContract | None) -> None:
    """Every record a contract newly links must be one the actor may see; a match it comes
    from moves to contracted, so the actor must be allowed to change that match."""
    stored = {}
    if before is not None and before.pk is not None:
        stored = TechContract.objects.filter(pk=before.pk).values(
            *(f"{name}_id" for name in (*CONTRACT_LINKS, "match"))
        )[0]
    changed = {
        name: getattr(record, name)
        for name in CONTRACT_LINKS
        if getattr(record, f"{name}_id")
        and getattr(record, f"{name}_id") != stored.get(f"{name}_id")
    }
    require_visible(actor, **changed)
    if record.match_id and record.match_id != stored.get("match_id"):
        require_editable(actor, match=record.match)


def _contract_closes_match(record: TechContract, actor: User) -> None:
    """Registering a contract from a match moves the match (and its demand) to contracted."""
    match = record.match
    if match is None or match.status == MatchStatus.CONTRACTED:
        return
    match = Match.objects.select_for_update(of=("self",)).select_related("demand").get(pk=match.pk)
    match.closed_on = record.registered_on
    for name in ("contacted_on", "negotiating_on"):
        if getattr(match, name) is None:
            setattr(match, name, record.registered_on)
    why = f"登记技术合同“{record.number}”"
    workflow.follow(actor, match, MatchStatus.CONTRACTED, comment=why, on=record.registered_on)
    _follow_demand(match, actor)


@transaction.atomic
def contract_save(*, actor: User, contract: TechContract | None = None, **fields) -> TechContract:
    """Registers a contract (contract=None) or changes one; it counts for one county."""
    if not may_register_contracts(actor):
        raise PermissionDenied("无权登记技术合同")
    if contract is None or contract.pk is None:
        record = TechContract(**{k: v for k, v in fields.items() if k in CONTRACT_FIELDS})
        stored_region = None
    else:
        record = (
            TechContract.objects.editable_by(actor)
            .select_for_update(of=("self",))
            .filter(pk=contract.pk)
            .first()
        )
        if record is None:
            raise PermissionDenied("无权修改该技术合同")
        stored_region = record.region_id
        for name, value in fields.items():
            if name in CONTRACT_FIELDS:
                setattr(record, name, value)
    if record.region_id and record.region.level != RegionLevel.COUNTY:
        raise ValidationError({"region": "计入区域应为县（市、区）"})
    if (
        record.region_id
        and record.region_id != stored_region
        and not can_write_region(actor, record.region)
    ):
        raise PermissionDenied(f"无权登记计入{record.region}的技术合同")
    record.number = (record.number or "").strip()
    _check_contract_links(actor, record, contract)
    _contract_links(record)
    _save(record, actor)
    _contract_closes_match(record, actor)
    return record

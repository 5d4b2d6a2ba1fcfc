"""Industry chains and matchmaking events: the reads (already scoped) and the writes.

Reads go through `Model.objects.visible_to(user)`; every write is one transaction,
validated with full_clean and recorded in the audit history under the acting user.
Bureau staff and leaders of the chain's or event's region write; liaisons, viewers and
commissioners read what their scope shows them; firm and institute users see no chain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from kechuang.core import concurrency
from kechuang.core.models import Region, User
from kechuang.core.scoping import can_write_region, is_bureau
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution
from kechuang.transfer.choices import ChainStage
from kechuang.transfer.models import (
    Achievement,
    ChainNode,
    Demand,
    IndustryChain,
    Match,
    MatchmakingEvent,
    TechContract,
)

CHAIN_FIELDS = ("code", "name", "region", "description", "sort_order")
NODE_FIELDS = ("parent", "name", "stage", "keywords", "sort_order")
EVENT_FIELDS = ("title", "held_on", "place", "organisers", "region", "note")
EVENT_M2M = ("enterprises", "institutions", "demands", "matches")


# --- permissions -------------------------------------------------------------------------


def may_write(user: User, region: Region | None = None) -> bool:
    """Bureau staff and leaders (or a superuser) of the region; everyone else only reads."""
    if not is_bureau(user):
        return False
    if region is None:
        return user.is_superuser or user.region_id is not None
    return can_write_region(user, region)


def _require_write(actor: User, region: Region | None, what: str) -> None:
    if not may_write(actor, region):
        where = f"在{region.name}" if region is not None else ""
        raise PermissionDenied(f"无权{where}{what}")


def _require_editable(model, actor: User, obj, what: str) -> None:
    if obj.pk and not model.objects.editable_by(actor).filter(pk=obj.pk).exists():
        raise PermissionDenied(f"无权修改该{what}")


# --- chains: writes ----------------------------------------------------------------------


@transaction.atomic
def chain_save(*, actor: User, chain: IndustryChain | None = None, **fields) -> IndustryChain:
    """Creates a chain, or changes one the actor may edit."""
    chain = chain or IndustryChain()
    if chain.pk:
        # Work on the stored row, locked: only the fields given are changed and written.
        chain = concurrency.locked(IndustryChain.objects.all(), chain.pk)
        _require_editable(IndustryChain, actor, chain, "产业链")
    for name, value in fields.items():
        if name in CHAIN_FIELDS:
            setattr(chain, name, value)
    chain.full_clean()
    _require_write(actor, chain.region, "维护产业链")
    concurrency.save_changed(chain, actor=actor)
    return chain


@transaction.atomic
def chain_node_save(
    *, actor: User, chain: IndustryChain | None = None, node: ChainNode | None = None, **fields
) -> ChainNode:
    """Adds a link to a chain (give `chain`) or changes one (give `node`)."""
    if node is None:
        if chain is None:
            raise ValueError("chain or node is required")
        node = ChainNode(chain=chain)
    elif node.pk:
        node = concurrency.locked(ChainNode.objects.select_related("chain"), node.pk)
    chain = node.chain
    _require_editable(IndustryChain, actor, chain, "产业链")
    _require_write(actor, chain.region, "维护产业链")
    for name, value in fields.items():
        if name in NODE_FIELDS:
            setattr(node, name, value)
    node.full_clean()
    if node.pk and node.parent_id:
        ancestor = node.parent
        while ancestor is not None:
            if ancestor.pk == node.pk:
                raise ValidationError({"parent": "上级环节不能是该环节自身或其下级环节"})
            ancestor = ancestor.parent
    if node.parent_id and node.parent.stage != node.stage:
        raise ValidationError({"stage": "位置须与上级环节一致"})
    concurrency.save_changed(node, actor=actor)
    return node


@transaction.atomic
def chain_node_set_enterprises(
    *, actor: User, node: ChainNode, enterprises: Iterable[Enterprise]
) -> ChainNode:
    """Sets the firms at a link; firms the actor cannot see are refused, not silently kept."""
    chain = node.chain
    _require_editable(IndustryChain, actor, chain, "产业链")
    _require_write(actor, chain.region, "维护产业链")
    wanted = {firm.pk: firm for firm in enterprises}
    allowed = set(
        Enterprise.objects.visible_to(actor)
        .filter(pk__in=wanted, township__code__startswith=chain.region.prefix)
        .values_list("pk", flat=True)
    )
    refused = [wanted[pk].name for pk in wanted if pk not in allowed]
    if refused:
        raise ValidationError(
            {"enterprises": f"以下企业不在{chain.region.name}或无权查看：{'、'.join(refused)}"}
        )
    # The many-to-many history rows are written per change, under this user.
    node._history_user = actor
    node.enterprises.set(list(wanted.values()))
    return node


# --- chains: reads -----------------------------------------------------------------------


def chain_list(user: User):
    """The chains the user may see, with the number of links and of firms placed on them."""
    return (
        IndustryChain.objects.visible_to(user)
        .select_related("region")
        .annotate(
            node_count=Count("nodes", distinct=True),
            enterprise_count=Count("nodes__enterprises", distinct=True),
        )
    )


def chain_counts(user: User, chains) -> dict[int, dict[str, int]]:
    """Per chain, the demands and achievements the user may see (one query per family)."""
    ids = [c.pk for c in chains]
    counts: dict[int, dict[str, int]] = {pk: {"demands": 0, "achievements": 0} for pk in ids}
    for key, model in (("demands", Demand), ("achievements", Achievement)):
        rows = (
            model.objects.visible_to(user)
            .filter(chain__in=ids)
            .values("chain")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts[row["chain"]][key] = row["n"]
    return counts


def _url(name: str, pk: int) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def chain_nodes(chain: IndustryChain):
    return chain.nodes.select_related("parent").order_by("sort_order", "id")


def chain_tree(chain: IndustryChain, user: User) -> dict[str, Any]:
    """The chain as an ECharts tree plus the details of every link, for what the user sees.

    tree: chain → 上游/中游/下游 → links (nested by parent) → a collapsed "企业" group
    holding the firms at the link. nodes: per link id, its firms, demands and achievements.
    """
    nodes = list(chain_nodes(chain))
    node_ids = [n.pk for n in nodes]

    firms_by_node: dict[int, list[dict]] = defaultdict(list)
    through = ChainNode.enterprises.through
    visible_firms = Enterprise.objects.visible_to(user)
    rows = (
        through.objects.filter(chainnode_id__in=node_ids, enterprise__in=visible_firms)
        .select_related("enterprise__township")
        .order_by("enterprise__name")
    )
    for row in rows:
        firm = row.enterprise
        firms_by_node[row.chainnode_id].append(
            {
                "id": firm.pk,
                "name": firm.name,
                "township": firm.township.name if firm.township_id else "",
                "url": _url("enterprises:enterprise_detail", firm.pk),
            }
        )

    demands_by_node: dict[int | None, list[dict]] = defaultdict(list)
    demands = (
        Demand.objects.visible_to(user)
        .filter(Q(chain=chain) | Q(node__in=node_ids))
        .select_related("enterprise")
        .order_by("code")
    )
    on_chain = set(node_ids)
    for demand in demands:
        demands_by_node[demand.node_id if demand.node_id in on_chain else None].append(
            {
                "id": demand.pk,
                "code": demand.code,
                "title": demand.title,
                "status": demand.get_status_display(),
                "enterprise": demand.enterprise.name,
                "url": _url("transfer:demand_detail", demand.pk),
            }
        )

    achievements_by_node: dict[int | None, list[dict]] = defaultdict(list)
    achievements = (
        Achievement.objects.visible_to(user)
        .filter(Q(chain=chain) | Q(node__in=node_ids))
        .select_related("owner_institution", "owner_enterprise")
        .order_by("code")
    )
    for achievement in achievements:
        key = achievement.node_id if achievement.node_id in on_chain else None
        achievements_by_node[key].append(
            {
                "id": achievement.pk,
                "code": achievement.code,
                "title": achievement.title,
                "maturity": achievement.get_maturity_display(),
                "owner": str(achievement.owner) if achievement.owner else "",
                "url": _url("transfer:achievement_detail", achievement.pk),
            }
        )

    details: dict[str, dict] = {}
    children_of: dict[int | None, list[ChainNode]] = defaultdict(list)
    for node in nodes:
        children_of[node.parent_id].append(node)
        details[str(node.pk)] = {
            "id": node.pk,
            "name": node.name,
            "stage": node.stage,
            "stage_label": node.get_stage_display(),
            "parent": node.parent_id,
            "keywords": node.keywords,
            "enterprises": firms_by_node.get(node.pk, []),
            "demands": demands_by_node.get(node.pk, []),
            "achievements": achievements_by_node.get(node.pk, []),
        }

    def counts_of(pk: int) -> dict[str, int]:
        d = details[str(pk)]
        return {
            "enterprises": len(d["enterprises"]),
            "demands": len(d["demands"]),
            "achievements": len(d["achievements"]),
        }

    def branch(node: ChainNode) -> dict:
        counts = counts_of(node.pk)
        children = [
            branch(child) for child in children_of.get(node.pk, []) if child.stage == node.stage
        ]
        firms = details[str(node.pk)]["enterprises"]
        if firms:
            children.append(
                {
                    "name": f"企业 {len(firms)} 家",
                    "kind": "firms",
                    "node": node.pk,
                    "collapsed": True,
                    "children": [
                        {"name": f["name"], "kind": "firm", "node": node.pk, "firm": f["id"]}
                        for f in firms
                    ],
                }
            )
        return {
            "name": node.name,
            "kind": "node",
            "node": node.pk,
            "value": counts["demands"] + counts["achievements"],
            "counts": counts,
            "children": children,
        }

    stages = []
    for stage in ChainStage:
        # A link whose parent sits in another stage (older data) shows under its own stage.
        roots = [
            n
            for n in nodes
            if n.stage == stage and (n.parent_id is None or n.parent.stage != n.stage)
        ]
        in_stage = [n for n in nodes if n.stage == stage]
        stages.append(
            {
                "name": stage.label,
                "kind": "stage",
                "stage": stage.value,
                "counts": {
                    "nodes": len(in_stage),
                    "enterprises": len(
                        {f["id"] for n in in_stage for f in details[str(n.pk)]["enterprises"]}
                    ),
                    "demands": sum(len(details[str(n.pk)]["demands"]) for n in in_stage),
                    "achievements": sum(len(details[str(n.pk)]["achievements"]) for n in in_stage),
                },
                "children": [branch(n) for n in roots],
            }
        )

    unplaced = {
        "demands": demands_by_node.get(None, []),
        "achievements": achievements_by_node.get(None, []),
    }
    return {
        "chain": {
            "id": chain.pk,
            "code": chain.code,
            "name": chain.name,
            "region": chain.region.name,
            "counts": {
                "nodes": len(nodes),
                "enterprises": len({f["id"] for fs in firms_by_node.values() for f in fs}),
                "demands": sum(len(v) for v in demands_by_node.values()),
                "achievements": sum(len(v) for v in achievements_by_node.values()),
            },
        },
        "tree": {"name": chain.name, "kind": "chain", "children": stages},
        "nodes": details,
        "unplaced": unplaced,
    }


def enterprises_for_chain(user: User, chain: IndustryChain):
    """Firms the user may place on the chain's links: visible and in the chain's region."""
    return (
        Enterprise.objects.visible_to(user)
        .filter(township__code__startswith=chain.region.prefix)
        .order_by("name")
    )


# --- events: writes ----------------------------------------------------------------------


@transaction.atomic
def event_save(*, actor: User, event: MatchmakingEvent | None = None, **fields) -> MatchmakingEvent:
    """Records a matchmaking event or changes one, with its participants and outcomes.

    enterprises, institutions, demands and matches must all be records the actor may see;
    a demand discussed must come from a participating firm.
    """
    event = event or MatchmakingEvent()
    if event.pk:
        event = concurrency.locked(MatchmakingEvent.objects.all(), event.pk)
        _require_editable(MatchmakingEvent, actor, event, "对接活动")
    for name, value in fields.items():
        if name in EVENT_FIELDS:
            setattr(event, name, value)
    event.full_clean()
    _require_write(actor, event.region, "登记对接活动")

    related = {name: list(fields[name]) for name in EVENT_M2M if name in fields}
    errors: dict[str, list[str]] = {}
    labels = {
        "enterprises": (Enterprise, "参会企业"),
        "institutions": (Institution, "参会院所"),
        "demands": (Demand, "对接需求"),
        "matches": (Match, "促成对接"),
    }
    for name, items in related.items():
        model, label = labels[name]
        seen = set(
            model.objects.visible_to(actor)
            .filter(pk__in=[i.pk for i in items])
            .values_list("pk", flat=True)
        )
        unseen = [str(i) for i in items if i.pk not in seen]
        if unseen:
            errors.setdefault(name, []).append(f"{label}不存在或无权查看：{'、'.join(unseen)}")
    firms = (
        {f.pk for f in related["enterprises"]}
        if "enterprises" in related
        else set(event.enterprises.values_list("pk", flat=True))
        if event.pk
        else set()
    )
    if "demands" in related:
        outside = [d.code for d in related["demands"] if d.enterprise_id not in firms]
        if outside:
            errors.setdefault("demands", []).append(
                f"需求 {'、'.join(outside)} 的提出企业未列入参会企业"
            )
    if errors:
        raise ValidationError(errors)

    concurrency.save_changed(event, actor=actor)
    for name, items in related.items():
        getattr(event, name).set(items)
    return event


# --- events: reads -----------------------------------------------------------------------


def event_list(user: User):
    """The events the user may see, newest first, with how much came out of each."""
    return (
        MatchmakingEvent.objects.visible_to(user)
        .select_related("region")
        .annotate(
            enterprise_count=Count("enterprises", distinct=True),
            institution_count=Count("institutions", distinct=True),
            demand_count=Count("demands", distinct=True),
            match_count=Count("matches", distinct=True),
            contract_count=Count("contracts", distinct=True),
        )
        .order_by("-held_on", "-id")
    )


def event_outcomes(event: MatchmakingEvent, user: User) -> dict[str, Any]:
    """What the user may see of an event's participants, demands, matches and contracts."""
    contracts = list(
        TechContract.objects.visible_to(user).filter(event=event).order_by("registered_on")
    )
    return {
        "enterprises": event.enterprises.visible_to(user).select_related("township"),
        "institutions": event.institutions.visible_to(user),
        "demands": event.demands.visible_to(user).select_related("enterprise"),
        "matches": event.matches.visible_to(user).select_related(
            "demand__enterprise", "achievement"
        ),
        "contracts": contracts,
        "turnover": sum((c.turnover for c in contracts), start=Decimal(0)),
    }

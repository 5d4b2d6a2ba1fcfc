"""Loads the technology-transfer demo (see transfer_data.py) through the transfer services;
records are looked up by their natural keys and left alone when present."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from django.utils import timezone

from kechuang.demo import dataset
from kechuang.demo.transfer_data import (
    CHAINS,
    DEMANDS,
    MATCHES,
    TURNOVER_2022_H1,
    TURNOVER_2023_H1,
    achievements,
    other_contracts,
)
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution
from kechuang.transfer import chains as chain_services
from kechuang.transfer import services
from kechuang.transfer.choices import DemandStatus, MatchStatus
from kechuang.transfer.models import (
    Achievement,
    ChainNode,
    Demand,
    IndustryChain,
    Match,
    MatchmakingEvent,
    TechContract,
)

D = datetime.date
WAN = Decimal(10_000)
CONTACTS = ("李教授", "王研究员", "陈博士", "张高工", "刘老师", "赵研究员")


def transfer_load(admin, regions) -> dict:
    counts = {
        k: Counter()
        for k in ("chains", "nodes", "demands", "achievements", "matches", "contracts", "events")
    }
    county = regions[dataset.COUNTY]
    firms = list(
        Enterprise.objects.filter(
            status=EnterpriseStatus.ACTIVE, township__code__startswith=dataset.COUNTY
        ).order_by("-above_scale", "credit_code")
    )
    by_division: dict[str, list[Enterprise]] = {}
    for firm in firms:
        by_division.setdefault(firm.industry_division, []).append(firm)
    qingshan = next(f for f in firms if f.name == dataset.QINGSHAN)

    chain_objs, node_objs = _chains(admin, county, by_division, counts)
    demand_objs = _demands(admin, chain_objs, node_objs, by_division, qingshan, counts)
    institutions = {i.name: i for i in Institution.objects.all()}
    achievement_objs = _achievements(admin, county, chain_objs, node_objs, institutions, counts)
    event = _event(admin, county, demand_objs, institutions, counts)
    _matches_and_contracts(admin, county, demand_objs, achievement_objs, event, counts)
    _other_contracts(admin, county, firms, institutions, counts)
    return {kind: dict(c) for kind, c in counts.items()}


def _chains(admin, county, by_division, counts):
    chain_objs, node_objs = {}, {}
    for order, spec in enumerate(CHAINS):
        chain = IndustryChain.objects.filter(code=spec.code).first()
        if chain is None:
            chain = chain_services.chain_save(
                actor=admin,
                code=spec.code,
                name=spec.name,
                region=county,
                description=spec.description,
                sort_order=order,
            )
            counts["chains"]["created"] += 1
        else:
            counts["chains"]["unchanged"] += 1
        chain_objs[spec.code] = chain
        for n_order, node_spec in enumerate(spec.nodes):
            node = ChainNode.objects.filter(chain=chain, name=node_spec.name).first()
            if node is None:
                node = chain_services.chain_node_save(
                    actor=admin,
                    chain=chain,
                    name=node_spec.name,
                    stage=node_spec.stage,
                    keywords=node_spec.keywords,
                    sort_order=n_order,
                    parent=node_objs.get((spec.code, node_spec.parent)),
                )
                counts["nodes"]["created"] += 1
            else:
                counts["nodes"]["unchanged"] += 1
            node_objs[(spec.code, node_spec.key)] = node
            wanted = [f for d in node_spec.divisions for f in by_division.get(d, [])[:6]]
            if {f.pk for f in wanted} != set(node.enterprises.values_list("pk", flat=True)):
                chain_services.chain_node_set_enterprises(
                    actor=admin, node=node, enterprises=wanted
                )
    return chain_objs, node_objs


def _demands(admin, chain_objs, node_objs, by_division, qingshan, counts):
    demand_objs = []
    used: Counter = Counter()
    for i, (title, description, chain, node, field, budget, division, source) in enumerate(DEMANDS):
        code = f"XQ2023-{i + 1:03d}"
        demand = Demand.objects.filter(code=code).first()
        if demand is None:
            if i == 0:
                firm = qingshan  # 青山钢铁's national key R&D programme need
            else:
                candidates = by_division[division]
                firm = candidates[used[division] % len(candidates)]
                used[division] += 1
            demand = services.demand_save(
                actor=admin,
                code=code,
                title=title,
                description=description,
                enterprise=firm,
                chain=chain_objs[chain],
                node=node_objs[(chain, node)],
                field=field,
                budget=Decimal(budget) * WAN,
                deadline=D(2023, 12, 31),
                source=source,
                status=DemandStatus.PUBLISHED,
            )
            counts["demands"]["created"] += 1
        else:
            counts["demands"]["unchanged"] += 1
        _date_demand(demand, i)
        demand_objs.append(demand)
    return demand_objs


def _date_demand(demand: Demand, i: int) -> None:
    """Registers the demand when the seed's half year collected it (「收集产业链技术需求34项」):
    the 20 discussed at the 16 March event in February, the rest from 20 March to May.
    `created_at` is set by the database on insert and kept out of the history, so this
    leaves the audit trail as it is."""
    day = D(2023, 2, 6 + i) if i < 20 else D(2023, 3, 20) + datetime.timedelta(days=5 * (i - 20))
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    if demand.created_at != when:
        Demand.objects.filter(pk=demand.pk).update(created_at=when)
        demand.created_at = when


def _achievements(admin, county, chain_objs, node_objs, institutions, counts):
    existing = {a.code: a for a in Achievement.objects.all()}
    objs = []
    for i, row in enumerate(achievements()):
        achievement = existing.get(row["code"])
        if achievement is None:
            achievement = services.achievement_save(
                actor=admin,
                code=row["code"],
                title=row["title"],
                abstract=row["abstract"],
                field=row["field"],
                maturity=row["maturity"],
                trl=row["trl"],
                owner_institution=institutions[row["owner"]],
                region=county,
                chain=chain_objs.get(row["chain"]),
                node=node_objs.get((row["chain"], row["node"])),
                contact_person=CONTACTS[i % len(CONTACTS)],
                contact_phone=f"0571-8{i:07d}",
                transfer_mode=("transfer", "licence", "joint", "service")[i % 4],
            )
            counts["achievements"]["created"] += 1
        else:
            counts["achievements"]["unchanged"] += 1
        objs.append(achievement)
    return objs


def _event(admin, county, demand_objs, institutions, counts):
    title = "不锈钢新材料产业链院企对接会"
    event = MatchmakingEvent.objects.filter(title=title).first()
    if event is not None:
        counts["events"]["unchanged"] += 1
        return event
    discussed = demand_objs[:20]
    counts["events"]["created"] += 1
    return chain_services.event_save(
        actor=admin,
        title=title,
        held_on=D(2023, 3, 16),
        place="北京科技大学青田新材料研究院",
        organisers="青田县科技局、北京科技大学青田新材料研究院、丽水市特钢材料与装备创新联合体",
        region=county,
        enterprises=sorted({d.enterprise for d in discussed}, key=lambda f: f.pk),
        institutions=[
            institutions["北京科技大学"],
            institutions["北京科技大学青田新材料研究院"],
            institutions["中国兵器科学研究院宁波分院"],
        ],
        demands=discussed,
        note="走访不锈钢产业链企业，收集技术需求，现场推介匹配成果。",
    )


def _matches_and_contracts(admin, county, demand_objs, achievement_objs, event, counts):
    steps = (MatchStatus.CONTACTED, MatchStatus.NEGOTIATING)
    for n, (d_index, a_index, contracted, amount, turnover) in enumerate(MATCHES):
        demand, achievement = demand_objs[d_index], achievement_objs[a_index]
        match = Match.objects.filter(demand=demand, achievement=achievement).first()
        if match is None:
            match = services.match_accept(
                actor=admin, demand=demand, achievement=achievement, on=D(2023, 3, 20 + n)
            )
            for step, status in enumerate(steps):
                match = services.match_transition(
                    actor=admin, match=match, status=status, on=D(2023, 4, 6 + 10 * step + n)
                )
            counts["matches"]["created"] += 1
        else:
            counts["matches"]["unchanged"] += 1
        if event.pk and not event.matches.filter(pk=match.pk).exists():
            event.matches.add(match)
        if not contracted:
            continue
        number = f"20233311210{n + 1:03d}"
        if TechContract.objects.filter(number=number).exists():
            counts["contracts"]["unchanged"] += 1
            continue
        counts["contracts"]["created"] += 1
        services.contract_save(
            actor=admin,
            number=number,
            title=f"{achievement.title}技术开发合同",
            kind="development",
            buyer_name=demand.enterprise.name,
            buyer_enterprise=demand.enterprise,
            seller_name=achievement.owner.name,
            seller_institution=achievement.owner_institution,
            amount=Decimal(amount) * WAN,
            turnover=Decimal(turnover) * WAN,
            registered_on=D(2023, 5, 10 + 5 * n),
            direction="absorption",
            region=county,
            match=match,
            event=event,
        )


def _other_contracts(admin, county, firms, institutions, counts):
    matched = sum(Decimal(m[4]) * WAN for m in MATCHES if m[2])
    sellers = [i for i in institutions.values() if i.kind in ("university", "research_institute")]
    for year, total, count in (
        (2023, TURNOVER_2023_H1 - matched, 22),
        (2022, TURNOVER_2022_H1, 18),
    ):
        for i, row in enumerate(other_contracts(year, total, count)):
            if TechContract.objects.filter(number=row["number"]).exists():
                counts["contracts"]["unchanged"] += 1
                continue
            counts["contracts"]["created"] += 1
            firm = firms[(i * 7) % min(len(firms), 120)]
            seller = sellers[i % len(sellers)]
            if row["direction"] == "output":
                parties = {
                    "seller_name": firm.name,
                    "seller_enterprise": firm,
                    "buyer_name": "温州市某装备制造有限公司",
                }
            else:
                parties = {
                    "buyer_name": firm.name,
                    "buyer_enterprise": firm,
                    "seller_name": seller.name,
                    "seller_institution": seller,
                }
            services.contract_save(
                actor=admin,
                number=row["number"],
                title=f"{firm.name}技术{row['kind_label']}合同",
                kind=row["kind"],
                amount=row["amount"],
                turnover=row["turnover"],
                registered_on=row["registered_on"],
                direction=row["direction"],
                region=county,
                **parties,
            )

"""The world outside each user's scope, and the endpoints the boundary test walks.

`build_outside()` adds, beside the cast, records of another county (上城区, another city
as well) and records of township B's firm and of the second institution (files attached to
the firms among them), each with a token in its name (界外…) so a page that leaks one is
caught by text. Every record gets a primary key of its own range (model index × 1000), so an
id in a URL names one record of one model.
`endpoints()` lists every URL pattern and `api_operations()` every operation of the OpenAPI
schema: nothing here names an endpoint, so one added later is walked too.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import connection, models
from django.urls import URLPattern, URLResolver, get_resolver

from kechuang.core.choices import RegionLevel, Role
from kechuang.core.models import AuditEvent, Region

D = datetime.date
TOKEN = "界外"


def _scoped_models() -> list[type[models.Model]]:
    return sorted(
        (m for m in apps.get_models() if hasattr(m, "scope") and hasattr(m.objects, "visible_to")),
        key=lambda m: m._meta.label,
    )


def _pk_base(model) -> int:
    return 100_000 + 1_000 * _scoped_models().index(model)


def _make(model, n: int, **fields):
    """Creates a record with a primary key in its model's own range (audited as admin)."""
    obj = model(pk=_pk_base(model) + n, **fields)
    obj.save(force_insert=True)
    return obj


def build_outside(cast) -> list[models.Model]:
    """Records outside some users' scope (see the module docstring); returns them all.
    Regions carry no token: administrative divisions are public reference data."""
    from kechuang.enterprises.models import (
        Enterprise,
        EnterpriseYear,
        PoolEntry,
        Qualification,
        Tier,
        Visit,
    )
    from kechuang.indicators.models import (
        DataElement,
        DataValue,
        EnterpriseMonth,
        Indicator,
        Target,
    )
    from kechuang.institutions.models import Institution
    from kechuang.transfer.models import (
        Achievement,
        ChainNode,
        Demand,
        IndustryChain,
        Match,
        MatchFeedback,
        MatchmakingEvent,
        TechContract,
    )

    city = Region.objects.get(code="330100")
    county = _make(Region, 1, code="330102", name="上城区", level=RegionLevel.COUNTY, parent=city)
    township = _make(
        Region,
        2,
        code="330102001",
        name="清波街道",
        level=RegionLevel.TOWNSHIP,
        parent=county,
    )
    from kechuang.core.tests.cast import credit_code

    made: list[models.Model] = [county, township]
    tier = Tier.objects.filter(region__isnull=True).order_by("rank").first()
    local_tier = _make(
        Tier,
        1,
        code="jiewai-tier",
        name=f"{TOKEN}梯次",
        rank=9,
        validity="years",
        validity_years=3,
        region=county,
    )
    made.append(local_tier)
    element = DataElement.objects.order_by("pk").first()
    indicator = Indicator.objects.order_by("pk").first()
    made.append(
        _make(
            AuditEvent,
            1,
            at=_now(),
            action="update",
            content_type_id=_ct(Region),
            object_id=str(county.pk),
            object_repr=f"{TOKEN}变更",
            region_code=county.code,
        )
    )

    firms = {}
    for n, (name, where) in enumerate(
        ((f"{TOKEN}上城企业", township), (f"{TOKEN}温溪企业", cast.township_b)), start=1
    ):
        firms[n] = _make(
            Enterprise,
            n,
            credit_code=credit_code(900 + n, where.code[:6]),
            name=name,
            township=where,
            industry_section="C",
            industry_division="34",
        )
    insts = {
        1: _make(Institution, 1, name=f"{TOKEN}上城研究院", kind="university", region=county),
    }
    made += [*firms.values(), *insts.values()]
    chain = _make(IndustryChain, 1, code="jiewai-chain", name=f"{TOKEN}产业链", region=county)
    node = _make(ChainNode, 1, chain=chain, name=f"{TOKEN}环节", stage="midstream")
    made += [chain, node]
    for n, firm in firms.items():
        made.append(_make(EnterpriseYear, n, enterprise=firm, year=2022))
        if tier is not None:
            made.append(
                _make(
                    Qualification,
                    n,
                    enterprise=firm,
                    tier=tier,
                    year=2022,
                    valid_from=D(2022, 1, 1),
                    valid_until=D(2024, 12, 31),
                )
            )
            entry = _make(
                PoolEntry, n, enterprise=firm, tier=tier, year=2023, entered_on=D(2023, 1, 5)
            )
            made += [
                entry,
                _make(
                    Visit,
                    n,
                    enterprise=firm,
                    entry=entry,
                    visited_on=D(2023, 2, 1),
                    visitors=f"{TOKEN}走访人",
                    agreed=True,
                ),
            ]
        county_of = county if firm.township_id == township.pk else cast.county
        made.append(
            _make(
                EnterpriseMonth,
                n,
                enterprise=firm,
                period="2023-04",
                township=firm.township,
                county=county_of,
            )
        )
        demand = _make(
            Demand,
            n,
            code=f"JW-XQ-{n}",
            title=f"{TOKEN}需求{n}",
            description="界外需求",
            enterprise=firm,
        )
        made.append(demand)
        made.append(_attachment(n, firm))
    owners = {
        1: {"owner_institution": insts[1], "region": county},
        2: {"owner_institution": cast.institution_2, "region": cast.county},
    }
    achievements = {
        n: _make(
            Achievement,
            n,
            code=f"JW-CG-{n}",
            title=f"{TOKEN}成果{n}",
            abstract="界外",
            published=False,
            **owner,
        )
        for n, owner in owners.items()
    }
    made += list(achievements.values())
    demand_x = Demand.objects.get(pk=_pk_base(Demand) + 1)
    match = _make(
        Match,
        1,
        demand=demand_x,
        achievement=achievements[1],
        recommended_on=D(2023, 3, 1),
        terms=[],
        reasons=[],
    )
    event = _make(
        MatchmakingEvent,
        1,
        title=f"{TOKEN}对接活动",
        held_on=D(2023, 3, 1),
        place="界外",
        region=county,
    )
    made += [match, event]
    made.append(
        _make(MatchFeedback, 1, demand=demand_x, achievement=achievements[1], reason="too_early")
    )
    # A contract linking every kind of record, so posting it back tries every link.
    made.append(
        _make(
            TechContract,
            1,
            number="JW-HT-1",
            title=f"{TOKEN}合同",
            kind="development",
            buyer_name="界外买方",
            seller_name="界外卖方",
            buyer_enterprise=firms[1],
            seller_institution=insts[1],
            demand=demand_x,
            achievement=achievements[1],
            match=match,
            event=event,
            amount=Decimal(100),
            turnover=Decimal(100),
            registered_on=D(2023, 3, 1),
            direction="output",
            region=county,
        )
    )
    if element is not None:
        made.append(
            _make(
                DataValue,
                1,
                element=element,
                region=county,
                period="2023-04",
                value=Decimal(1),
                source="manual",
            )
        )
    if indicator is not None:
        made.append(
            _make(Target, 1, indicator=indicator, region=county, year=2023, value=Decimal(1))
        )
    made += _outside_platforms(firms, insts)
    made.append(
        _make(
            apps.get_model("core", "User"),
            1,
            username="staff_jiewai",
            full_name=f"{TOKEN}科员",
            role=Role.STAFF,
            region=county,
        )
    )
    made.append(
        _make(
            apps.get_model("core", "Job"),
            1,
            kind="import",
            title=f"{TOKEN}企业库导入",
            user=made[-1],
            region_code=county.code,
            params={"kind": "enterprises", "token": "0", "dry_run": False},
            state="running",
            done=1,
            total=2,
        )
    )
    made += _challenges_outside(cast, county, firms)
    made += _outside_projects(county, firms)
    made += _outside_talent(county, firms)
    made += _outside_loans(firms)
    made += _outside_commissioners(cast, county, township)
    made += _outside_reports(cast, county)
    made += _outside_requests(cast, county, township, firms)
    made += _outside_support(county, firms)
    made += _outside_liaison(cast, county, township, firms)
    cadre = next(o for o in made if getattr(o, "username", "") == "staff_jiewai")
    made += _outside_workplan(county, cadre)
    return made


def _outside_liaison(cast, county, township, firms) -> list[models.Model]:
    """A cadre link of the other county (its township, its firm) and a visit to a firm of
    the other county not in the pool; a cadre link of the cast's county to township B and
    its firm (outside liaison A), with a visit there. Each link's cadre is a bureau user of
    its county (the other county's staff made above for the first)."""
    from kechuang.enterprises.models import Visit
    from kechuang.liaison.models import CadreLink

    User = apps.get_model("core", "User")
    made = []
    for n, (region, town, firm) in enumerate(
        ((county, township, firms[1]), (cast.county, cast.township_b, firms[2])), 1
    ):
        cadre = User.objects.filter(role=Role.STAFF, region=region).order_by("pk").first()
        link = _make(
            CadreLink,
            n,
            cadre=cadre,
            county=region,
            valid_from=D(2023, 1, 1),
            note=f"{TOKEN}联系{n}",
        )
        link.townships.set([town])
        link.firms.set([firm])
        made += [
            link,
            _make(
                Visit,
                10 + n,
                enterprise=firm,
                visited_on=D(2023, 3, 2),
                visitors=f"{TOKEN}干部{n}",
                agreed=f"{TOKEN}商定{n}",
            ),
        ]
    return made


def _outside_support(county, firms) -> list[models.Model]:
    """A policy of the other county with a clause (read by all, changed by its bureau), and
    a paid disbursement of each outside firm (another county's, township B's)."""
    from kechuang.support.models import Clause, Disbursement, Policy

    policy = _make(
        Policy,
        1,
        key="jiewai-policy",
        name=f"{TOKEN}政策",
        issuer="上城区科技局",
        effective_from=D(2022, 1, 1),
        region=county,
    )
    clause = _make(
        Clause,
        1,
        policy=policy,
        code="jiewai-clause",
        name=f"{TOKEN}条款",
        conditions=[{"label": "新认定高企", "any": [{"fact": "hnte_new_in_year", "equals": True}]}],
        amount_rule={"kind": "fixed", "amount": 1000},
    )
    made = [policy, clause]
    for n, firm in firms.items():
        made.append(
            _make(
                Disbursement,
                n,
                enterprise=firm,
                clause=clause,
                year=2022,
                region=firm.township,
                entitled=Decimal(1000),
                amount=Decimal(1000),
                status="paid",
                applied_on=D(2023, 1, 5),
                approved_on=D(2023, 2, 1),
                paid_on=D(2023, 3, 1),
                note=f"{TOKEN}兑现{n}",
            )
        )
    return made


def _outside_workplan(county, author) -> list[models.Model]:
    """A plan of the other county with a task tree, a back-scheduled milestone and a progress
    report (plans are read by the county's townships and viewers above, changed by its bureau)."""
    from kechuang.workplan.models import Milestone, Plan, ProgressUpdate, Task

    plan = _make(
        Plan,
        1,
        region=county,
        name=f"{TOKEN}工作计划",
        kind="annual",
        start_year=2023,
        end_year=2023,
    )
    parent = _make(Task, 1, plan=plan, title=f"{TOKEN}计划攻坚战", deadline=D(2023, 12, 31))
    task = _make(
        Task, 2, plan=plan, parent=parent, title=f"{TOKEN}计划任务", deadline=D(2023, 12, 31)
    )
    task.owners.add(author)
    milestone = _make(
        Milestone, 1, task=task, name=f"{TOKEN}计划节点", weeks_before=2, due_on=D(2023, 12, 17)
    )
    update = _make(
        ProgressUpdate,
        1,
        task=task,
        reported_on=D(2023, 5, 1),
        percent=30,
        note=f"{TOKEN}计划进展",
        author=author,
    )
    return [plan, parent, task, milestone, update]


def _outside_reports(cast, county) -> list[models.Model]:
    """A narrative block of the other county's report and one of township B's."""
    from kechuang.reports.models import Narrative

    return [
        _make(
            Narrative,
            n,
            region=region,
            period="2023-06",
            kind="half-year",
            section="problems",
            text=f"{TOKEN}报告文字{n}",
        )
        for n, region in enumerate((county, cast.township_b), 1)
    ]


def _outside_commissioners(cast, county, township) -> list[models.Model]:
    """A commissioner of the other county with an assignment, a log and an evaluation there;
    a commissioner of the cast's county serving township B (outside liaison A and the cast's
    commissioner, whose own logs are the only ones it sees)."""
    from kechuang.commissioners.models import Assignment, Commissioner, Evaluation, ServiceLog

    made = []
    for n, (region, town) in enumerate(((county, township), (cast.county, cast.township_b)), 1):
        commissioner = _make(
            Commissioner,
            n,
            # the cast county's commissioner is read by its townships: no token in its name
            name=f"{TOKEN}特派员{n}" if region is county else "温溪特派员",
            kind="individual",
            service_model="1p1t",
            region=region,
        )
        made += [
            commissioner,
            _make(Assignment, n, commissioner=commissioner, township=town, start=D(2023, 1, 1)),
            _make(
                ServiceLog,
                n,
                commissioner=commissioner,
                served_on=D(2023, 3, 1),
                township=town,
                place=f"{TOKEN}地点{n}",
                cooperative=f"{TOKEN}合作社{n}",
                content=f"{TOKEN}服务{n}",
            ),
        ]
    made.append(
        _make(
            Evaluation,
            1,
            commissioner=made[0],
            year=2022,
            sheet="commissioner-eval-example",
            scores={"days": "20"},
            total=Decimal(20),
            grade="unqualified",
            evaluated_on=D(2023, 1, 10),
            note=f"{TOKEN}考核",
        )
    )
    return made


def _outside_loans(firms) -> list[models.Model]:
    """A granted loan recommendation of each outside firm, and the plaque delivered for
    each outside firm's qualification."""
    from kechuang.enterprises.models import PlaqueDelivery, Qualification
    from kechuang.loans.models import LoanRecommendation

    made = []
    for n, firm in firms.items():
        made.append(
            _make(
                LoanRecommendation,
                n,
                enterprise=firm,
                region=firm.township,
                bank=f"{TOKEN}银行{n}",
                amount_recommended=Decimal(3000000),
                amount_granted=Decimal(2000000),
                recommended_on=D(2023, 2, 1),
                granted_on=D(2023, 3, 1),
                status="granted",
                note=f"{TOKEN}贷款{n}",
            )
        )
        qualification = Qualification.objects.filter(enterprise=firm).first()
        if qualification is not None:
            made.append(
                _make(
                    PlaqueDelivery,
                    n,
                    qualification=qualification,
                    delivered_on=D(2023, 4, 1),
                    delivered_by=f"{TOKEN}发放人{n}",
                    note=f"{TOKEN}牌匾{n}",
                )
            )
    return made


def _outside_requests(cast, county, township, firms) -> list[models.Model]:
    """Service requests: a village's of the other county, waiting to be assigned; its firm's,
    served by its commissioner's log; township B's firm's, assigned to the cast county's
    commissioner of township B (outside liaison A, the cast's firm and the cast's
    commissioner)."""
    from kechuang.commissioners.models import Commissioner, ServiceLog, ServiceRequest

    there = Commissioner.objects.get(pk=_pk_base(Commissioner) + 1)
    here_b = Commissioner.objects.get(pk=_pk_base(Commissioner) + 2)
    common = {"content": f"{TOKEN}需求内容", "fields": "茶叶", "submitted_on": D(2023, 3, 1)}
    return [
        _make(
            ServiceRequest,
            1,
            requester_kind="village",
            requester=f"{TOKEN}村",
            township=township,
            title=f"{TOKEN}需求1",
            **common,
        ),
        _make(
            ServiceRequest,
            2,
            requester_kind="enterprise",
            enterprise=firms[1],
            township=township,
            title=f"{TOKEN}需求2",
            status="served",
            commissioner=there,
            service_log=ServiceLog.objects.get(pk=_pk_base(ServiceLog) + 1),
            served_on=D(2023, 3, 1),
            **common,
        ),
        _make(
            ServiceRequest,
            3,
            requester_kind="enterprise",
            enterprise=firms[2],
            township=cast.township_b,
            title=f"{TOKEN}需求3",
            status="assigned",
            commissioner=here_b,
            **common,
        ),
    ]


def _outside_talent(county, firms) -> list[models.Model]:
    """A talent program of the other county (read by all, changed by its bureau), and a
    signed talent project of each outside firm with a stage payment."""
    from kechuang.talent.models import TalentPayment, TalentProgram, TalentProject

    program = _make(
        TalentProgram,
        1,
        name=f"{TOKEN}人才计划",
        issuer="上城区",
        rules="lishui-green-valley-2023",
        region=county,
    )
    made = [program]
    for n, firm in firms.items():
        project = _make(
            TalentProject,
            n,
            program=program,
            talent_class="C",
            kind="entrepreneurship",
            applicant=f"{TOKEN}团队{n}",
            title=f"{TOKEN}人才项目{n}",
            host_enterprise=firm,
            region=firm.township,
            status="signed",
            contacted_on=D(2023, 1, 5),
            intended_on=D(2023, 2, 1),
            signed_on=D(2023, 3, 1),
            funding_committed=Decimal(1000000),
        )
        made += [
            project,
            _make(
                TalentPayment,
                n,
                project=project,
                stage=1,
                amount=Decimal(1000),
                paid_on=D(2023, 4, 1),
            ),
        ]
    return made


def _outside_projects(county, firms) -> list[models.Model]:
    """A program and call kept by the other county (public notices: read by all, changed by
    its bureau only), and a project of each outside firm with a milestone and an output."""
    from kechuang.projects.models import Call, Milestone, Output, Program, Project

    program = _make(
        Program,
        1,
        name=f"{TOKEN}科技计划",
        kind="other",
        level="county",
        issuer="上城区科技局",
        region=county,
    )
    call = _make(
        Call,
        1,
        program=program,
        year=2023,
        title=f"{TOKEN}申报批次",
        opens_on=D(2023, 3, 1),
        closes_on=D(2023, 6, 30),
    )
    made = [program, call]
    for n, firm in firms.items():
        project = _make(
            Project,
            n,
            title=f"{TOKEN}项目{n}",
            program=program,
            call=call,
            year=2023,
            lead_enterprise=firm,
            region=firm.township,
            collected_on=D(2023, 3, 10),
        )
        made += [
            project,
            _make(Milestone, n, project=project, title=f"{TOKEN}节点{n}", due_on=D(2023, 5, 1)),
            _make(Output, n, project=project, kind="patent", count=1),
        ]
    return made


def _challenges_outside(cast, county, firms) -> list[models.Model]:
    """The challenge board: a published challenge of enterprise B on the cast county's open
    list (public, firm name included, as a published demand is: so the cast's firm, not a
    tokened one; its bid, reviewer and review are the bureau's and institution_2's), a draft
    of the other county's firm on its own list, and a draft of township B's tokened firm."""
    from kechuang.challenges.models import Bid, Challenge, ChallengeList, ChallengeReviewer, Review

    open_list = _make(
        ChallengeList,
        1,
        year=2023,
        title=f"{TOKEN}榜单1",
        region=cast.county,
        opens_on=D(2023, 1, 1),
        closes_on=D(2099, 12, 31),
        published=True,
    )
    other_list = _make(
        ChallengeList,
        2,
        year=2023,
        title=f"{TOKEN}榜单2",
        region=county,
        opens_on=D(2023, 1, 1),
        closes_on=D(2023, 12, 31),
    )
    text = {"problem": "界外问题", "goal": "界外目标", "contact_phone": "13912345678"}
    published = _make(
        Challenge,
        1,
        enterprise=cast.ent_b,
        challenge_list=open_list,
        title=f"{TOKEN}榜题1",
        status="published",
        published_on=D(2023, 3, 1),
        **text,
    )
    drafts = [
        _make(Challenge, n, enterprise=firm, challenge_list=lst, title=f"{TOKEN}榜题{n}", **text)
        for n, firm, lst in ((2, firms[1], other_list), (3, firms[2], None))
    ]
    bid = _make(
        Bid,
        1,
        challenge=published,
        institution=cast.institution_2,
        approach="界外方案",
        team="界外团队",
        milestones=[],
        price=Decimal(100),
        submitted_on=D(2023, 3, 2),
    )
    reviewer = _make(
        ChallengeReviewer, 1, challenge=published, reviewer=cast.staff, assigned_on=D(2023, 3, 3)
    )
    review = _make(
        Review,
        1,
        bid=bid,
        reviewer=cast.staff,
        scores=dict.fromkeys(("approach", "team", "record", "schedule", "price", "prospect"), "80"),
        submitted_at=_now(),
    )
    return [published, open_list, other_list, *drafts, bid, reviewer, review]


def _attachment(n: int, record):
    """A file attached to `record`, stored in the attachments' storage."""
    import hashlib

    from django.core.files.base import ContentFile

    from kechuang.core.models import Attachment, attachment_storage

    content = f"%PDF-1.4 {TOKEN}{n}".encode()
    stored = attachment_storage.save(f"attachments/2023/03/jiewai-{n}.pdf", ContentFile(content))
    return _make(
        Attachment,
        n,
        content_type_id=_ct(type(record)),
        object_id=record.pk,
        kind="申报材料",
        name=f"{TOKEN}申报书{n}.pdf",
        file=stored,
        size=len(content),
        mime_type="application/pdf",
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _outside_platforms(firms, insts) -> list[models.Model]:
    """A platform of each outside firm and institution, one with an evaluation."""
    from kechuang.platforms.models import Platform, PlatformEvaluation

    hosts = [("host_enterprise", f, f.township) for f in firms.values()]
    hosts += [("host_institution", i, i.region) for i in insts.values()]
    made = []
    for n, (host_field, host, region) in enumerate(hosts, start=1):
        made.append(
            _make(
                Platform,
                n,
                name=f"{TOKEN}平台{n}",
                type="hnte_rnd_centre" if host_field == "host_enterprise" else "service_complex",
                level="provincial",
                status="recognised",
                recognised_on=D(2022, 12, 1),
                recognition_number=f"JW-RD-{n}",
                region=region,
                **{host_field: host},
            )
        )
    made.append(
        _make(
            PlatformEvaluation,
            1,
            platform=made[0],
            year=2022,
            sheet="zj-enterprise-institute-eval-2017",
            scores={"conditions": "20", "results": "20", "performance": "20", "contribution": "10"},
            total=Decimal(70),
            grade="pass",
            evaluated_on=D(2023, 3, 1),
        )
    )
    return made


def _now():
    from django.utils import timezone

    return timezone.now()


def _ct(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def footprint() -> tuple[int, ...]:
    """Row counts of every scoped table and of the audit trail, in one query."""
    tables = [m._meta.db_table for m in _scoped_models()] + [AuditEvent._meta.db_table]
    # Every app's history tables (simple-history names them <app>_historical<model>).
    tables += [
        m._meta.db_table for m in apps.get_models() if m._meta.model_name.startswith("historical")
    ]
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*) FROM {quote(t)}" for i, t in enumerate(sorted(set(tables)))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(n for _, n in sorted(cursor.fetchall()))


# --- the endpoints -------------------------------------------------------------------------


@dataclass
class Endpoint:
    route: str  # the URL pattern, with <converter:name> parts
    name: str
    kwargs: list[str] = field(default_factory=list)


def endpoints() -> list[Endpoint]:
    """Every URL pattern of the site except the API (walked through its schema)."""
    found = []

    def walk(resolver, prefix: str, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                walk(pattern, route, ns)
            elif isinstance(pattern, URLPattern):
                if route.startswith("api/"):
                    continue
                kwargs = re.findall(r"<(?:\w+:)?(\w+)>", route)
                found.append(Endpoint(route, namespace + (pattern.name or ""), kwargs))

    walk(get_resolver(), "", "")
    return found


def fill(route: str, values: dict[str, object]) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    return "/" + path


def api_operations() -> list[tuple[str, str, dict]]:
    """(path, method, operation) of every operation in the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                operations.append((path, method.upper(), operation))
    return operations

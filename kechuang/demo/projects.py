"""Loads the projects demo through the projects services, from the seed report's section
(四) 抓“科技项目攻关”: 青山钢铁's national key R&D need (listed in the national guide), the 7
provincial 尖兵·领雁 demands reported in 2023, the county 揭榜挂帅 programme with its 2023 call
(demand collection started), and a few approved projects with milestones, one of them
overdue on the demo date 2023-06-30. Records are looked up by their natural keys (program
name, call title, project title) and left alone when present."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from kechuang.core import workflow
from kechuang.demo import dataset
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution
from kechuang.projects import services
from kechuang.projects.choices import ProgramKind, ProgramLevel, ProjectStatus
from kechuang.projects.models import Call, Program, Project

D = datetime.date
WAN = Decimal(10_000)


@dataclass(frozen=True)
class ProgramSpec:
    key: str
    name: str
    kind: str
    level: str
    issuer: str
    funding_rule: str = ""
    description: str = ""


PROGRAMS = (
    ProgramSpec(
        "national",
        "国家重点研发计划",
        ProgramKind.NATIONAL_KEY,
        ProgramLevel.NATIONAL,
        "科学技术部",
        description="项目需求由省科技厅组织征集、凝练后报科技部，列入国家指南后申报。",
    ),
    ProgramSpec(
        "jianbing",
        "浙江省“尖兵”研发攻关计划",
        ProgramKind.JIANBING,
        ProgramLevel.PROVINCIAL,
        "浙江省科学技术厅",
        "zj-rnd-2023",
    ),
    ProgramSpec(
        "lingyan",
        "浙江省“领雁”研发攻关计划",
        ProgramKind.LINGYAN,
        ProgramLevel.PROVINCIAL,
        "浙江省科学技术厅",
        "zj-rnd-2023",
    ),
    ProgramSpec(
        "jiebang",
        "青田县“揭榜挂帅”重点研发计划",
        ProgramKind.JIEBANG,
        ProgramLevel.COUNTY,
        "青田县科技局",
        "qt-jiebang-2023",
        "企业出题、高校院所解题、政府助题：企业发榜，院所揭榜，科技局择优立项。",
    ),
)

# (program key, year, title, opens, closes)
CALLS = (
    ("national", 2023, "2023年度国家重点研发计划项目需求征集", D(2022, 10, 1), D(2022, 11, 30)),
    ("jianbing", 2023, "2023年度省“尖兵”研发攻关需求征集", D(2023, 3, 1), D(2023, 4, 30)),
    ("lingyan", 2023, "2023年度省“领雁”研发攻关需求征集", D(2023, 3, 1), D(2023, 4, 30)),
    ("jiebang", 2022, "2022年度青田县揭榜挂帅项目", D(2022, 4, 1), D(2022, 5, 31)),
    ("jiebang", 2023, "2023年度青田县揭榜挂帅重点研发计划项目需求征集",
     D(2023, 6, 1), D(2023, 9, 30)),
)  # fmt: skip

# The 7 provincial demands of 2023: (program key, industry division of the lead firm, title,
# government / own funds in 万元). All were recommended by the county to the province.
PROVINCIAL_DEMANDS = (
    ("jianbing", "31", "高强度耐蚀双相不锈钢板带制备关键技术", 300, 1200),
    ("jianbing", "34", "超低温LNG阀门密封与可靠性关键技术", 200, 800),
    ("jianbing", "33", "不锈钢精密焊管高效成形与在线检测技术", 150, 600),
    ("lingyan", "34", "智能控制阀数字孪生运维系统研发", 100, 400),
    ("lingyan", "19", "功能性鞋材轻量化与绿色制造技术", 80, 320),
    ("lingyan", "38", "智能按摩器具关键部件与控制算法研发", 80, 300),
    ("lingyan", "29", "环保型鞋用水性胶粘剂研发与产业化", 60, 240),
)  # fmt: skip

QINGSHAN_NEED = "基于材料基因工程的高品质软磁不锈钢开发及稳定化生产"

# County 揭榜挂帅 projects of 2022, selected and approved: (division of the firm, partner,
# title, government / own 万元, approved on, milestones (title, due, done)).
JIEBANG_2022 = (
    (
        "34",
        "浙江理工大学",
        "阀门智能控制系统关键技术揭榜攻关",
        50,
        150,
        D(2022, 8, 20),
        (
            ("完成总体方案设计", D(2022, 12, 31), D(2022, 12, 20)),
            ("样机试制", D(2023, 5, 31), None),  # overdue on 2023-06-30
            ("中试验证与用户试用", D(2023, 10, 31), None),
            ("项目验收", D(2024, 3, 31), None),
        ),
    ),
    (
        "31",
        dataset.BKD_INSTITUTE,
        "不锈钢新材料表面处理工艺揭榜攻关",
        40,
        160,
        D(2022, 8, 20),
        (
            ("工艺路线确定", D(2022, 11, 30), D(2022, 11, 25)),
            ("小批量试生产", D(2023, 7, 15), None),  # due within 30 days
            ("项目验收", D(2023, 12, 31), None),
        ),
    ),
)


def projects_load(admin, regions) -> dict:
    counts = {k: Counter() for k in ("programs", "calls", "projects")}
    county = regions[dataset.COUNTY]
    programs = {spec.key: _program(admin, county, spec, counts) for spec in PROGRAMS}
    calls = {
        (key, year): _call(admin, programs[key], year, title, opens, closes, counts)
        for key, year, title, opens, closes in CALLS
    }
    firms = _firms()
    qingshan = Enterprise.objects.get(name=dataset.QINGSHAN)
    institutions = {i.name: i for i in Institution.objects.all()}

    _national_need(admin, programs["national"], calls[("national", 2023)], qingshan, counts)
    used: Counter = Counter()
    for key, division, title, government, own in PROVINCIAL_DEMANDS:
        firm = _pick(firms, division, used, exclude=qingshan)
        _provincial_demand(admin, calls[(key, 2023)], firm, title, government, own, counts)
    for division, partner, title, government, own, approved_on, milestones in JIEBANG_2022:
        firm = qingshan if division == "31" else _pick(firms, division, used, exclude=qingshan)
        if Project.objects.filter(program=programs["jiebang"], title=title).exists():
            counts["projects"]["unchanged"] += 1
            continue
        project = services.project_create_from(
            actor=admin,
            call=calls[("jiebang", 2022)],
            title=title,
            lead_enterprise=firm,
            partner_institution=institutions[partner],
            government_funds=government * WAN,
            own_funds=own * WAN,
            milestones=[(t, due) for t, due, _ in milestones],
            reason="专家评审择优立项",
            on=approved_on,
        )
        for milestone in project.milestones.all():
            done = next(d for t, _, d in milestones if t == milestone.title)
            if done is not None:
                services.milestone_done(actor=admin, milestone=milestone, on=done)
        counts["projects"]["created"] += 1
    return {kind: dict(c) for kind, c in counts.items()}


def _program(admin, county, spec: ProgramSpec, counts) -> Program:
    program = Program.objects.filter(region=county, name=spec.name).first()
    if program is not None:
        counts["programs"]["unchanged"] += 1
        return program
    counts["programs"]["created"] += 1
    return services.program_save(
        actor=admin,
        name=spec.name,
        kind=spec.kind,
        level=spec.level,
        issuer=spec.issuer,
        region=county,
        funding_rule=spec.funding_rule,
        description=spec.description,
    )


def _call(admin, program, year, title, opens, closes, counts) -> Call:
    call = Call.objects.filter(program=program, title=title).first()
    if call is not None:
        counts["calls"]["unchanged"] += 1
        return call
    counts["calls"]["created"] += 1
    return services.call_save(
        actor=admin, program=program, year=year, title=title, opens_on=opens, closes_on=closes
    )


def _firms() -> dict[str, list[Enterprise]]:
    """Active above-scale firms with R&D in the county, by industry division."""
    by_division: dict[str, list[Enterprise]] = {}
    for firm in Enterprise.objects.filter(
        status=EnterpriseStatus.ACTIVE,
        above_scale=True,
        rnd_active=True,
        township__code__startswith=dataset.COUNTY,
    ).order_by("credit_code"):
        by_division.setdefault(firm.industry_division, []).append(firm)
    return by_division


def _pick(firms, division, used: Counter, *, exclude) -> Enterprise:
    candidates = [f for f in firms.get(division, []) if f.pk != exclude.pk]
    if not candidates:
        candidates = [f for group in firms.values() for f in group if f.pk != exclude.pk]
    firm = candidates[used[division] % len(candidates)]
    used[division] += 1
    return firm


def _walk(admin, project, steps) -> None:
    """Takes the project through (status, date) moves, as the bureau recording them."""
    for status, on in steps:
        workflow.take(admin, project, status, on=on)


def _national_need(admin, program, call, qingshan, counts) -> None:
    if Project.objects.filter(program=program, title=QINGSHAN_NEED).exists():
        counts["projects"]["unchanged"] += 1
        return
    project = services.project_create(
        actor=admin,
        program=program,
        call=call,
        title=QINGSHAN_NEED,
        lead_enterprise=qingshan,
        partner_institution=Institution.objects.get(name="北京科技大学"),
        description="申报国家重点研发计划项目需求，已被列入国家指南；力争全市率先实现国家重点研发计划项目零突破。",
        on=D(2022, 10, 20),
    )
    _walk(
        admin,
        project,
        [
            (ProjectStatus.DRAFTED, D(2022, 10, 25)),
            (ProjectStatus.SUBMITTED, D(2022, 11, 15)),
            (ProjectStatus.RECOMMENDED, D(2022, 11, 25)),
        ],
    )
    counts["projects"]["created"] += 1


def _provincial_demand(admin, call, firm, title, government, own, counts) -> None:
    if Project.objects.filter(program=call.program, title=title).exists():
        counts["projects"]["unchanged"] += 1
        return
    project = services.project_create(
        actor=admin,
        program=call.program,
        call=call,
        title=title,
        lead_enterprise=firm,
        government_funds=government * WAN,
        own_funds=own * WAN,
        on=D(2023, 3, 20),
    )
    _walk(
        admin,
        project,
        [
            (ProjectStatus.DRAFTED, D(2023, 3, 25)),
            (ProjectStatus.SUBMITTED, D(2023, 4, 20)),
            (ProjectStatus.RECOMMENDED, D(2023, 4, 28)),
        ],
    )
    counts["projects"]["created"] += 1

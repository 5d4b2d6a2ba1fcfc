"""The seed report's talent projects (section 六), loaded through the talent services and
workflow; looked up by title and left alone when present.

Seed: 完成与绿谷精英创业C类项目“目向双碳目标的燃煤电站脱硝和空预器动态控制技术”的签约，推动项目在
青田孵化落地；同时签订绿谷精英创业项目意向协议3项. The seed names neither the host firms,
the team nor the three intents' projects: the hosts are demo firms (the C-class project at
the 青创大厦 incubator's operator), the rest is marked 演示 and carries no funding figure."""

from __future__ import annotations

import datetime
from collections import Counter

from kechuang.core.models import Region
from kechuang.demo import dataset
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise
from kechuang.talent import services
from kechuang.talent.choices import ApplicantKind, ProjectKind, Stage
from kechuang.talent.models import TalentProgram, TalentProject

D = datetime.date
RULES = "lishui-green-valley-2023"
C_CLASS_TITLE = "目向双碳目标的燃煤电站脱硝和空预器动态控制技术"


def _program(admin) -> TalentProgram:
    found = TalentProgram.objects.filter(name="绿谷精英").first()
    if found is not None:
        return found
    return services.program_save(
        actor=admin,
        name="绿谷精英",
        issuer="中共丽水市委、丽水市人民政府",
        rules=RULES,
        region=Region.objects.get(code=dataset.COUNTY),
        note="丽水市“绿谷”人才计划；由县科技局承接招引（演示数据）",
    )


def _hosts() -> list[Enterprise]:
    active = Enterprise.objects.filter(
        status=EnterpriseStatus.ACTIVE, township__code__startswith=dataset.COUNTY
    ).order_by("credit_code")
    madison = active.get(name=dataset.MADISON)
    others = list(active.filter(above_scale=True, rnd_active=True).exclude(pk=madison.pk)[:3])
    return [madison, *others]


def talent_load(admin) -> dict:
    counts: Counter = Counter()
    program = _program(admin)
    hosts = _hosts()
    specs = [
        {"title": C_CLASS_TITLE, "applicant": "燃煤电站脱硝控制创业团队（演示）",
         "host_enterprise": hosts[0], "contacted_on": D(2023, 2, 10),
         "moves": [(Stage.INTENT, D(2023, 3, 15)), (Stage.SIGNED, D(2023, 5, 26))]},
    ] + [
        {"title": f"绿谷精英创业项目意向协议（{n}）（演示）", "applicant": f"创业团队{n}（演示）",
         "host_enterprise": host, "contacted_on": D(2023, 3, 1),
         "moves": [(Stage.INTENT, D(2023, 6, 8))]}
        for n, host in enumerate(hosts[1:4], start=1)
    ]  # fmt: skip
    for spec in specs:
        spec = dict(spec)
        moves = spec.pop("moves")
        if TalentProject.objects.filter(title=spec["title"]).exists():
            counts["kept"] += 1
            continue
        project = services.project_create(
            actor=admin,
            program=program,
            talent_class="C",
            kind=ProjectKind.ENTREPRENEURSHIP,
            applicant_kind=ApplicantKind.TEAM,
            **spec,
        )
        for target, on in moves:
            project = services.project_transition(
                actor=admin, project=project, target=target, on=on, comment="演示数据"
            )
        counts["created"] += 1
    return dict(counts)

"""The seed report's innovation platforms (section 三 and the plans of section 四), loaded
through the platform services and workflow; looked up by name and left alone when present.

Seed: 省级企业研究院申报单位1家、省级高新技术企业研发中心申报单位3家 (so the figure
"1 + 3 platform applications" for 331121 at 2023-06), the shoe-industry innovation service
complex before its second evaluation, the BKD new-materials research institute being built
with four planned cooperation projects, the valve testing centre and the 青创大厦 incubator.
"""

from __future__ import annotations

import datetime
from collections import Counter

from kechuang.demo import dataset
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution
from kechuang.platforms import services
from kechuang.platforms.choices import PlatformLevel, PlatformStatus, PlatformType
from kechuang.platforms.models import Platform

D = datetime.date
BKD_PLAN = """拟开展合作项目4项（研究院专家深入不锈钢新材料产业链、阀门产业链洽谈确定）：
1. 高品质软磁不锈钢开发及稳定化生产；
2. 特种不锈钢材料性能提升；
3. 智能控制阀门关键部件材料；
4. 阀门铸件质量检测与工艺优化。
进展：开展技术经纪人招聘，启动研究院装修及设备采购。"""


def _firms() -> dict[str, Enterprise]:
    """The named firms and, for the R&D centres and the testing centre, the first active
    above-scale R&D firms of the valve (34) and shoe (19) industries by credit code."""
    active = Enterprise.objects.filter(
        status=EnterpriseStatus.ACTIVE, township__code__startswith=dataset.COUNTY
    ).order_by("credit_code")
    named = {
        f.name: f
        for f in active.filter(name__in=[dataset.QINGSHAN, dataset.DUODISITAI, dataset.MADISON])
    }
    rnd = active.filter(above_scale=True, rnd_active=True)
    return {
        "qingshan": named[dataset.QINGSHAN],
        "duodisitai": named[dataset.DUODISITAI],
        "madison": named[dataset.MADISON],
        "valve": rnd.filter(industry_division="34").first(),
        "shoe": rnd.filter(industry_division="19").first(),
    }


def _specs(firms: dict, institutions: dict) -> list[dict]:
    applied = {"status": PlatformStatus.APPLIED, "level": PlatformLevel.PROVINCIAL}
    centre = {**applied, "type": PlatformType.HNTE_RND_CENTRE, "applied_on": D(2023, 5, 18)}
    return [
        {"name": f"{dataset.QINGSHAN}省级企业研究院", "host_enterprise": firms["qingshan"],
         "type": PlatformType.ENTERPRISE_INSTITUTE, "field": "特种不锈钢新材料",
         "applied_on": D(2023, 4, 20), **applied},
        {"name": f"{dataset.DUODISITAI}省级高新技术企业研究开发中心",
         "host_enterprise": firms["duodisitai"], "field": "健康器材", **centre},
        {"name": f"{firms['valve'].name}省级高新技术企业研究开发中心",
         "host_enterprise": firms["valve"], "field": "智能控制阀门", **centre},
        {"name": f"{firms['shoe'].name}省级高新技术企业研究开发中心",
         "host_enterprise": firms["shoe"], "field": "时尚休闲鞋", **centre},
        {"name": "青田鞋产业创新服务综合体",
         "host_institution": institutions["青田鞋产业创新服务综合体"],
         "type": PlatformType.SERVICE_COMPLEX, "level": PlatformLevel.PROVINCIAL,
         "status": PlatformStatus.PREPARING, "field": "鞋产业设计与创新服务",
         "plan": "与青田时尚休闲产业研究达成初步合作，实现常态化运营；下半年完成第二期绩效评价。"},
        {"name": dataset.BKD_INSTITUTE, "host_institution": institutions[dataset.BKD_INSTITUTE],
         "type": PlatformType.NEW_RND_INSTITUTE, "level": PlatformLevel.COUNTY,
         "status": PlatformStatus.PREPARING, "field": "不锈钢新材料、阀门", "plan": BKD_PLAN},
        {"name": "青田阀门检测中心", "host_enterprise": firms["valve"],
         "type": PlatformType.TESTING_CENTRE, "level": PlatformLevel.COUNTY,
         "status": PlatformStatus.PREPARING, "field": "阀门检测",
         "plan": "建设集展示、检测、研发一体的阀门综合体；与浙江理工大学对接智控阀门研究院落地。"},
        {"name": "青创大厦国家级科技企业孵化器", "host_enterprise": firms["madison"],
         "type": PlatformType.INCUBATOR, "level": PlatformLevel.NATIONAL,
         "status": PlatformStatus.PREPARING, "field": "数字经济",
         "plan": "与浙江麦迪森数字科技集团有限公司签订《数字经济孵化园投资运营合作协议书》。"},
    ]  # fmt: skip


# The complex's first evaluation (2022); the score sheet is an example (示例).
COMPLEX_FIRST_EVALUATION = {
    "year": 2022,
    "sheet": "zj-service-complex-eval-2020",
    "scores": {"progress": "26", "innovation": "20", "services": "20", "industry": "15"},
    "evaluated_on": D(2023, 3, 15),
    "evaluator": "第三方评价机构（示例）",
    "note": "第一期绩效评价（演示数据，评分表为示例）",
}

MOVES = {
    PlatformStatus.PREPARING: [PlatformStatus.PREPARING],
    PlatformStatus.APPLIED: [PlatformStatus.PREPARING, PlatformStatus.APPLIED],
}


def platforms_load(admin) -> dict:
    counts: Counter = Counter()
    institutions = {i.name: i for i in Institution.objects.all()}
    firms = _firms()
    for spec in _specs(firms, institutions):
        spec = dict(spec)
        if Platform.objects.filter(name=spec["name"]).exists():
            counts["kept"] += 1
            continue
        status, applied_on = spec.pop("status"), spec.pop("applied_on", None)
        platform = services.platform_create(actor=admin, **spec)
        for target in MOVES.get(status, []):
            on = applied_on if target == PlatformStatus.APPLIED else D(2023, 2, 1)
            platform = services.platform_transition(
                actor=admin, platform=platform, target=target, on=on, comment="演示数据"
            )
        if platform.type == PlatformType.SERVICE_COMPLEX:
            services.evaluation_save(actor=admin, platform=platform, **COMPLEX_FIRST_EVALUATION)
        counts["created"] += 1
    return dict(counts)

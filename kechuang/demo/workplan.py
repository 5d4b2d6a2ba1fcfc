"""The seed report's plans (section 二(一) and 四): the "315" five-year action plan
(2023—2027), the 2023 annual work plan with the "1236" next steps and the indicator targets
of 四(一), and the three-year plan named in the 生态塑优 campaign; loaded through the
workplan services, each record looked up by its natural key and left alone when present.

Targets are the seed's words. Where a target is one of the platform's figures the task links
the figure, so its current value is computed (高企 20 家 → ladder.hnte_new, 科小 40 家 →
ladder.tsme_registered, 交易额 3.5 亿元 → transfer.turnover, 研究院 1 家 / 研发中心 2 家 →
platforms.recognised.*, 国家重点研发计划零突破 → projects.level.national); the indicator
targets of 四(一) link the indicator, in its display unit. Owners, milestones and progress
reports are demo data (演示): the seed names neither departments nor dates."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from kechuang.core.models import Region, User
from kechuang.demo import dataset
from kechuang.indicators.models import Indicator
from kechuang.workplan import services
from kechuang.workplan.models import Milestone, Plan, ProgressUpdate, Task

D = datetime.date
YEAR_END = D(2023, 12, 31)
FIVE_YEAR = "青田县“315”科技创新体系建设工程五年行动方案（2023—2027年）"
ANNUAL = "青田县“315”科技创新体系建设工程2023年工作计划"
THREE_YEAR = "青田县科技创新能力提升三年行动方案"

PLANS = (
    {
        "name": FIVE_YEAR,
        "kind": "multi_year",
        "start_year": 2023,
        "end_year": 2027,
        "note": "一方案指明“方向标”：围绕县委县政府“十大工程”，聚焦重大科创平台、重大科研攻关、"
        "重大人才团队。",
    },
    {
        "name": ANNUAL,
        "kind": "annual",
        "start_year": 2023,
        "end_year": 2023,
        "note": "一计划部署“作战图”：明确年度工作重点和目标任务，紧盯关键节点，倒排工作计划。",
    },
    {
        "name": THREE_YEAR,
        "kind": "multi_year",
        "start_year": 2023,
        "end_year": 2025,
        "note": "种子报告在“生态塑优攻坚战”中提及，未写明起止年度：2023—2025年为示例。",
    },
)

# (title, parent title, fields); figure targets in the figure's unit (元, 家, 项).
FIVE_YEAR_TASKS = (
    ("重大科创平台", None, {"deadline": D(2027, 12, 31)}),
    ("重大科研攻关", None, {"deadline": D(2027, 12, 31)}),
    ("重大人才团队", None, {"deadline": D(2027, 12, 31)}),
)
ANNUAL_TASKS = (
    ("指标安排", None, {}),
    (
        "规上工业企业技术开发费",
        "指标安排",
        {"indicator": "tech_dev_expense", "target": Decimal("11.9"), "target_text": "11.9亿元以上"},
    ),
    (
        "规上制造业企业研发活动比例",
        "指标安排",
        {"indicator": "mfg_rnd_share", "target": Decimal(100), "target_text": "100%"},
    ),
    (
        "全县R&D经费投入占GDP比重",
        "指标安排",
        {"indicator": "rnd_intensity", "target": Decimal("1.3"), "target_text": "1.3以上"},
    ),
    (
        "高新技术产业增加值",
        "指标安排",
        {
            "indicator": "hitech_value_added",
            "target": Decimal("21.6"),
            "target_text": "21.6亿元以上",
        },
    ),
    ("“1236”重点工作", None, {}),
    ("“1”一大突破", "“1236”重点工作", {}),
    (
        "国家重点研发计划项目零突破",
        "“1”一大突破",
        {
            "figure": "projects.level.national",
            "target": Decimal(1),
            "target_text": "1项",
            "description": "青山钢铁“基于材料基因工程的高品质软磁不锈钢开发及稳定化生产”项目"
            "全市率先实现国家重点研发计划项目零突破。",
        },
    ),
    ("“2”两大提升", "“1236”重点工作", {}),
    (
        "创新能力实现提升",
        "“2”两大提升",
        {
            "indicator": "tech_dev_ratio",
            "target": Decimal("3.3"),
            "target_text": "研发支出占营业收入比重3.3%以上；开展R&D活动企业比重超50%；"
            "R&D经费投入占GDP比重提升30%以上",
        },
    ),
    (
        "人才引育实现提升",
        "“2”两大提升",
        {"figure": "talent.projects.signed", "target_text": "完成市绿谷精英引才任务"},
    ),
    ("“3”三大平台", "“1236”重点工作", {}),
    (
        "创新服务公共平台建设",
        "“3”三大平台",
        {
            "description": "鞋产业创新服务综合体完成第二期绩效评价；建设阀门综合体；推进青创大厦"
            "国家级科技企业孵化器建设。"
        },
    ),
    ("企业科技研发平台建设", "“3”三大平台", {}),
    (
        "新增省级企业研究院",
        "企业科技研发平台建设",
        {
            "figure": "platforms.recognised.enterprise_institute",
            "target": Decimal(1),
            "target_text": "1家",
        },
    ),
    (
        "新增高新技术企业研发中心",
        "企业科技研发平台建设",
        {
            "figure": "platforms.recognised.hnte_rnd_centre",
            "target": Decimal(2),
            "target_text": "2家",
        },
    ),
    (
        "校地合作创新平台建设",
        "“3”三大平台",
        {
            "description": "发挥北京科技大学青田新材料研究院作用；推动青山钢铁和北科大申报"
            "创新联合体和省级重点实验室；策划智控阀门、时尚休闲产业、元宇宙产业研究院。"
        },
    ),
    ("“6”六大攻坚战", "“1236”重点工作", {}),
    ("主体培育攻坚战", "“6”六大攻坚战", {}),
    (
        "新增国家高新技术企业",
        "主体培育攻坚战",
        {"figure": "ladder.hnte_new", "target": Decimal(20), "target_text": "20家以上"},
    ),
    (
        "新增省级科技型中小企业",
        "主体培育攻坚战",
        {"figure": "ladder.tsme_registered", "target": Decimal(40), "target_text": "40家以上"},
    ),
    (
        "科技项目攻坚战",
        "“6”六大攻坚战",
        {
            "figure": "projects.provincial_demands",
            "target_text": "加大县级“揭榜挂帅”攻关力度，继续争取“尖兵”“领雁”省级项目",
        },
    ),
    (
        "高新增加值提升攻坚战",
        "“6”六大攻坚战",
        {"target_text": "新招引工业类企业中高新代码企业、高新技术企业占60%以上"},
    ),
    (
        "生态塑优攻坚战",
        "“6”六大攻坚战",
        {
            "description": "发挥《关于加快推进科技创新引领跨越式高质量发展的实施意见》"
            "《青田县科技创新能力提升三年行动方案》等政策作用，落实科技局干部联系重点工业乡镇制度。"
        },
    ),
    (
        "科技成果转化攻坚战",
        "“6”六大攻坚战",
        {
            "figure": "transfer.turnover",
            "target": Decimal(350_000_000),
            "target_text": "技术市场交易额3.5亿元以上",
        },
    ),
    (
        "科技强农攻坚战",
        "“6”六大攻坚战",
        {
            "figure": "commissioners.service_logs",
            "target_text": "强化科技特派员绩效评价，组织科技特派员20周年专题活动",
        },
    ),
)
# Demo milestones (task, name, fields; "before" names a milestone of the same task).
MILESTONES = (
    (
        "国家重点研发计划项目零突破",
        "需求列入国家指南",
        {"fixed_on": D(2023, 5, 15), "done_on": D(2023, 5, 15)},
    ),
    ("国家重点研发计划项目零突破", "申报书提交", {"weeks_before": 20}),
    ("创新服务公共平台建设", "综合体第二期绩效评价完成", {"weeks_before": 2}),
    (
        "创新服务公共平台建设",
        "绩效自评报告",
        {"weeks_before": 4, "before": "综合体第二期绩效评价完成"},
    ),
    ("创新服务公共平台建设", "阀门综合体选址确定", {"fixed_on": D(2023, 6, 15)}),
    (
        "新增国家高新技术企业",
        "培育对象辅导",
        {"fixed_on": D(2023, 4, 30), "done_on": D(2023, 4, 28)},
    ),
    ("新增国家高新技术企业", "高企申报材料提交", {"weeks_before": 24}),
    ("科技成果转化攻坚战", "院企对接活动", {"fixed_on": D(2023, 7, 20)}),
)
# Demo progress reports (task, day, percent, note).
UPDATES = (
    (
        "国家重点研发计划项目零突破",
        D(2023, 6, 20),
        40,
        "项目需求已列入国家指南，正组织编制申报书。",
    ),
    ("新增国家高新技术企业", D(2023, 6, 28), 45, "已筛选新申报高企培育对象24家，开展申报辅导。"),
    ("新增省级科技型中小企业", D(2023, 6, 28), 60, "已筛选省科技型企业培育对象40家。"),
    ("新增省级企业研究院", D(2023, 6, 25), 50, "已落实省级企业研究院申报单位1家。"),
    ("新增高新技术企业研发中心", D(2023, 6, 25), 50, "已落实省级高企研发中心申报单位3家。"),
    ("科技成果转化攻坚战", D(2023, 6, 30), 30, "网上技术市场交易额1.08亿元。"),
    ("人才引育实现提升", D(2023, 6, 10), 40, "绿谷精英创业C类项目签约，签订意向协议3项。"),
    ("创新服务公共平台建设", D(2023, 6, 15), 20, "鞋产业创新服务综合体常态化运营。"),
)


def _plan(admin, county: Region, spec: dict, counts: Counter) -> Plan:
    found = Plan.objects.filter(region=county, name=spec["name"]).first()
    if found is not None:
        return found
    counts["plans"] += 1
    return services.plan_save(admin, region=county, **spec)


def _tasks(admin, plan: Plan, specs, owners: list[User], counts: Counter) -> dict[str, Task]:
    existing = {t.title: t for t in Task.objects.filter(plan=plan)}
    indicators = {i.code: i for i in Indicator.objects.all()}
    for order, (title, parent, fields) in enumerate(specs, start=1):
        if title in existing:
            continue
        fields = dict(fields)
        if "indicator" in fields:
            fields["indicator"] = indicators.get(fields["indicator"])
            if fields["indicator"] is None:
                fields.pop("target", None)
        fields.setdefault("deadline", plan.ends_on)
        existing[title] = services.task_save(
            admin,
            plan=plan,
            parent=existing.get(parent),
            order=order,
            title=title,
            owners=[owners[order % len(owners)]],
            **fields,
        )
        counts["tasks"] += 1
    return existing


def workplan_load(admin) -> dict:
    counts: Counter = Counter()
    county = Region.objects.get(code=dataset.COUNTY)
    owners = list(User.objects.filter(username__in=["leader", "staff"]).order_by("username"))
    plans = {spec["name"]: _plan(admin, county, spec, counts) for spec in PLANS}
    _tasks(admin, plans[FIVE_YEAR], FIVE_YEAR_TASKS, owners, counts)
    tasks = _tasks(admin, plans[ANNUAL], ANNUAL_TASKS, owners, counts)
    for title, name, fields in MILESTONES:
        task = tasks[title]
        if Milestone.objects.filter(task=task, name=name).exists():
            continue
        fields = dict(fields)
        if "before" in fields:
            fields["before"] = Milestone.objects.get(task=task, name=fields["before"])
        services.milestone_save(admin, task=task, name=name, **fields)
        counts["milestones"] += 1
    for title, day, percent, note in UPDATES:
        task = tasks[title]
        if ProgressUpdate.objects.filter(task=task, reported_on=day).exists():
            continue
        services.progress_report(admin, task=task, reported_on=day, percent=percent, note=note)
        counts["updates"] += 1
    return dict(counts)

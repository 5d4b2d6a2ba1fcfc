"""The narrative of the seed report (青田县科技局2023年上半年工作总结) as narrative blocks of the
county's 2023 H1 report: the text around the figures, the figures themselves left to the
report's sentences (so they come from the data). Idempotent: a block already there is kept."""

from __future__ import annotations

from kechuang.core.models import Region
from kechuang.demo import dataset
from kechuang.reports import services
from kechuang.reports.models import Narrative

PERIOD, KIND = "2023-06", "half-year"

TEXTS = {
    "intro": (
        "今年以来，青田县科技局认真贯彻落实中央省市科技创新会议精神，紧紧围绕县委县政府的中心工作，"
        "坚持“创新制胜”工作导向，实施创新深化，推进“315”科技创新体系工程建设，为建设高质量共同富裕的"
        "世界青田提供科技支撑。现将科技局上半年工作进展情况汇报如下："
    ),
    "work.system": (
        "一是针对省委提出的“三个一号工程”，结合青田工作实际，制定出台《关于强力推进创新深化全面建设"
        "产业创新引领县的实施意见》，组建青田县创新深化专题组。二是围绕省市县部署“315”科技创新体系建设"
        "工程要求，以“一方案一计划”抓好组织实施。"
    ),
    "work.subjects": (
        "突出企业创新主体地位，大力实施科技企业“双倍增”行动，建立企业动态管理培育库，逐步形成"
        "“科技型中小企业-高新技术企业-科技小巨人-科技领军企业”的梯次培育机制。"
    ),
    "work.platforms": (
        "持续推进“一链一院一团队”合作模式，推进北京科技大学青田新材料研究院建设，启动青创大厦国家级"
        "孵化器建设。"
    ),
    "work.projects": (
        "青山钢铁的“基于材料基因工程的高品质软磁不锈钢开发及稳定化生产”申报国家重点研发计划项目需求"
        "已被列入国家指南，力争全市率先实现国家重点研发计划项目零突破。"
    ),
    "work.transfer": (
        "以丽水市特钢材料与装备创新联合体为载体，全面推动新材料（不锈钢）产业链成果转移转化工作，"
        "基本完成产业链思维导图的绘制。"
    ),
    "work.talent": "签订绿谷精英创业项目意向协议，进一步加快绿谷精英项目的招引与落地。",
    "work.ecosystem": (
        "全面落实“真金白银”的科技惠企政策，实施科技干部联系重点工业乡镇制度。首次开展“送牌匾进企业 "
        "助企暖企服务”活动，提升高新技术企业对外形象。"
    ),
    "work.rural": (
        "以科技特派员20周年为契机，深入推进科技特派员工作，实现省级科技特派员乡镇全覆盖；深化与省农科院的"
        "战略合作，共建青田县共富产业研究院。"
    ),
    "problems": (
        "虽然取得一定的成绩，但也还存在一些问题和不足，主要表现在：一是产业结构不优，造成高新产值及高新"
        "投资占比偏低。二是企业创新能力不强，缺少自主知识产权、缺乏关键核心技术。三是高层次科技人才缺乏。"
        "以上问题和不足，我们将在以后的工作中努力加以解决。"
    ),
    "next_steps": (
        "2023年力争规模以上工业企业技术开发费达11.9亿元以上，规上制造业企业研发活动比例达到100%，"
        "高新技术产业增加值实现21.6亿元以上。围绕“1236”做好各项工作：力求“一大突破”，实现两大提升，"
        "狠抓三大平台，打好六大攻坚战。"
    ),
}


def reports_load(admin) -> dict:
    county = Region.objects.get(code=dataset.COUNTY)
    have = set(
        Narrative.objects.filter(region=county, period=PERIOD, kind=KIND).values_list(
            "section", flat=True
        )
    )
    made = 0
    for section, text in TEXTS.items():
        if section not in have:
            services.narrative_save(
                actor=admin, region=county, period=PERIOD, kind=KIND, section=section, text=text
            )
            made += 1
    return {"narratives": made}

"""The technology-transfer part of the demo, as plain data: the stainless-steel, valve and
shoe chains; the 34 demands collected on the stainless-steel chain visits (「收集产业链技术需求
34项、科技匹配成果4项，完成成果转化3项」); a few hundred achievements of partner institutions;
and the contracts of January–June 2023 (「实现网上技术市场交易额1.08亿元」).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

D = datetime.date
SEED = 20230615
TURNOVER_2023_H1 = Decimal("108000000")  # 1.08亿元
TURNOVER_2022_H1 = Decimal("81500000")


@dataclass(frozen=True)
class NodeSpec:
    key: str
    name: str
    stage: str
    keywords: str
    divisions: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True)
class ChainSpec:
    code: str
    name: str
    description: str
    nodes: tuple[NodeSpec, ...]


CHAINS = (
    ChainSpec(
        "stainless",
        "不锈钢新材料",
        "以青山钢铁为龙头，依托丽水市特钢材料与装备创新联合体和"
        "北京科技大学青田新材料研究院，覆盖冶炼、压延、精深加工与应用。",
        (
            NodeSpec(
                "smelt",
                "冶炼与连铸",
                "upstream",
                "不锈钢冶炼 连铸 镍铬合金 电炉 精炼 夹杂物控制",
                ("31",),
            ),
            NodeSpec(
                "rolling",
                "热轧与冷轧",
                "midstream",
                "热轧 冷轧 固溶处理 退火 酸洗 板带 表面质量",
                ("31",),
            ),
            NodeSpec(
                "softmag",
                "软磁不锈钢",
                "midstream",
                "软磁不锈钢 材料基因工程 磁性能 铁素体 矫顽力",
                ("31",),
                "rolling",
            ),
            NodeSpec(
                "deep",
                "精深加工",
                "downstream",
                "精密铸造 管件 焊接 不锈钢制品 表面处理 耐腐蚀",
                ("33",),
            ),
            NodeSpec(
                "apply", "终端应用", "downstream", "阀门 泵 化工装备 海洋工程 耐蚀合金", ("34",)
            ),
        ),
    ),
    ChainSpec(
        "valve",
        "阀门",
        "青田阀门产业链：铸锻件、阀体加工、密封与执行机构、智能阀门与检测。",
        (
            NodeSpec(
                "casting",
                "阀体铸锻",
                "upstream",
                "阀体铸造 精密铸造 锻件 熔模铸造 铸件缺陷",
                ("33",),
            ),
            NodeSpec(
                "machining",
                "阀门加工装配",
                "midstream",
                "球阀 蝶阀 闸阀 数控加工 装配 密封面",
                ("34",),
            ),
            NodeSpec(
                "seal",
                "密封与执行机构",
                "midstream",
                "阀门密封 执行机构 电动执行器 泄漏检测",
                ("34", "38"),
            ),
            NodeSpec(
                "smart",
                "智能阀门与检测",
                "downstream",
                "智能阀门 阀门检测 流量控制 物联网 远程监控",
                ("34", "40"),
            ),
        ),
    ),
    ChainSpec(
        "shoes",
        "鞋服",
        "青田鞋服产业链：鞋材、制鞋与服饰，鞋产业创新服务综合体提供设计与检测服务。",
        (
            NodeSpec(
                "material",
                "鞋材与面料",
                "upstream",
                "鞋底材料 发泡材料 皮革 环保胶粘剂 面料",
                ("19", "29"),
            ),
            NodeSpec(
                "making",
                "制鞋与服饰",
                "midstream",
                "制鞋 注塑 自动化生产线 服装 版型设计",
                ("19", "18"),
            ),
            NodeSpec(
                "design",
                "设计与数字化",
                "downstream",
                "鞋服设计 三维设计 元宇宙 数字化展示 品牌",
                ("19", "18"),
            ),
        ),
    ),
)

# (title, description, chain, node, field, budget 万元, firm division, source)
DEMANDS = (
    (
        "高品质软磁不锈钢开发及稳定化生产",
        "基于材料基因工程开发高品质软磁不锈钢，解决磁性能波动大、批次稳定性差的问题，实现稳定化生产。",
        "stainless",
        "softmag",
        "新材料",
        800,
        "31",
        "visit",
    ),
    (
        "软磁不锈钢冷轧板磁性能提升",
        "冷轧后软磁不锈钢矫顽力偏高，需优化退火工艺与晶粒控制，提升磁导率。",
        "stainless",
        "softmag",
        "新材料",
        300,
        "31",
        "visit",
    ),
    (
        "不锈钢连铸坯表面裂纹控制",
        "连铸坯表面纵裂和夹杂导致冷轧缺陷，需改进保护渣与结晶器工艺。",
        "stainless",
        "smelt",
        "新材料",
        200,
        "31",
        "visit",
    ),
    (
        "镍铬合金冶炼节能降耗",
        "电炉冶炼电耗偏高，需开展冶炼节能与余热回收技术攻关。",
        "stainless",
        "smelt",
        "新能源与节能",
        260,
        "31",
        "visit",
    ),
    (
        "不锈钢精炼夹杂物控制",
        "精炼过程夹杂物尺寸大，影响表面质量与耐蚀性，需夹杂物改性技术。",
        "stainless",
        "smelt",
        "新材料",
        180,
        "31",
        "visit",
    ),
    (
        "热轧不锈钢板带边裂改善",
        "热轧过程边裂导致成材率下降，需优化加热与轧制温度制度。",
        "stainless",
        "rolling",
        "新材料",
        150,
        "31",
        "visit",
    ),
    (
        "冷轧不锈钢固溶处理工艺优化",
        "固溶处理后晶粒度不均、硬度偏高，需优化固溶温度与冷却速度。",
        "stainless",
        "rolling",
        "新材料",
        120,
        "31",
        "visit",
    ),
    (
        "不锈钢酸洗废液资源化利用",
        "酸洗废液处理成本高，需废酸再生与金属回收技术。",
        "stainless",
        "rolling",
        "资源与环境",
        220,
        "31",
        "visit",
    ),
    (
        "双相不锈钢耐点蚀性能提升",
        "海洋工程用双相不锈钢点蚀当量不足，需成分与热处理优化。",
        "stainless",
        "rolling",
        "新材料",
        300,
        "31",
        "visit",
    ),
    (
        "不锈钢表面质量在线检测",
        "冷轧板带表面缺陷依靠人工目检，需机器视觉在线检测系统。",
        "stainless",
        "rolling",
        "先进制造与自动化",
        160,
        "31",
        "visit",
    ),
    (
        "不锈钢精密铸件缩松缺陷控制",
        "精密铸造不锈钢件存在缩松，需凝固模拟与浇注系统优化。",
        "stainless",
        "deep",
        "先进制造与自动化",
        90,
        "33",
        "visit",
    ),
    (
        "不锈钢管件焊接变形控制",
        "薄壁不锈钢管件焊接变形大，需焊接工艺与工装改进。",
        "stainless",
        "deep",
        "先进制造与自动化",
        80,
        "33",
        "visit",
    ),
    (
        "不锈钢制品表面耐腐蚀处理",
        "户外不锈钢制品易出现锈斑，需钝化与表面处理新工艺。",
        "stainless",
        "deep",
        "新材料",
        60,
        "33",
        "visit",
    ),
    (
        "奥氏体不锈钢冷加工硬化控制",
        "冷镦成形开裂，需控制奥氏体不锈钢冷加工硬化。",
        "stainless",
        "deep",
        "新材料",
        70,
        "33",
        "visit",
    ),
    (
        "不锈钢废料高值化回收",
        "加工废料回收利用率低，需分选与重熔技术。",
        "stainless",
        "deep",
        "资源与环境",
        100,
        "33",
        "visit",
    ),
    (
        "高端阀门用耐蚀合金材料",
        "化工阀门在强腐蚀介质下寿命短，需耐蚀合金材料与堆焊技术。",
        "stainless",
        "apply",
        "新材料",
        200,
        "34",
        "visit",
    ),
    (
        "海洋工程不锈钢泵体材料",
        "海水泵体材料耐蚀性不足，需选材与防护方案。",
        "stainless",
        "apply",
        "新材料",
        150,
        "34",
        "visit",
    ),
    (
        "超低碳不锈钢焊材开发",
        "焊缝晶间腐蚀敏感，需超低碳不锈钢焊材。",
        "stainless",
        "deep",
        "新材料",
        110,
        "33",
        "visit",
    ),
    (
        "不锈钢带钢板形控制",
        "冷轧带钢板形不良影响下游冲压，需板形闭环控制。",
        "stainless",
        "rolling",
        "先进制造与自动化",
        260,
        "31",
        "visit",
    ),
    (
        "铁素体不锈钢成形性改进",
        "铁素体不锈钢深冲成形时起皱，需织构控制。",
        "stainless",
        "softmag",
        "新材料",
        140,
        "31",
        "visit",
    ),
    (
        "智能阀门远程监控系统",
        "阀门运行状态无法远程掌握，需基于物联网的智能阀门监控系统。",
        "valve",
        "smart",
        "电子信息",
        120,
        "34",
        "event",
    ),
    (
        "阀门密封面耐磨损技术",
        "球阀密封面磨损快，需硬质合金堆焊或喷涂耐磨技术。",
        "valve",
        "seal",
        "先进制造与自动化",
        90,
        "34",
        "visit",
    ),
    (
        "蝶阀密封泄漏检测",
        "蝶阀出厂泄漏检测效率低，需自动化泄漏检测设备。",
        "valve",
        "seal",
        "先进制造与自动化",
        80,
        "34",
        "visit",
    ),
    (
        "阀体铸造缺陷智能识别",
        "阀体铸件气孔、砂眼靠人工探伤，需射线图像智能识别。",
        "valve",
        "casting",
        "电子信息",
        100,
        "33",
        "visit",
    ),
    (
        "电动执行器低功耗设计",
        "电动执行器能耗高、发热大，需低功耗电机与控制方案。",
        "valve",
        "seal",
        "新能源与节能",
        70,
        "38",
        "form",
    ),
    (
        "阀门数控加工自动化产线",
        "阀体加工换型慢，需柔性数控加工与自动上下料。",
        "valve",
        "machining",
        "先进制造与自动化",
        300,
        "34",
        "visit",
    ),
    (
        "高温高压阀门设计验证",
        "电站用高温高压阀门需有限元设计与型式试验。",
        "valve",
        "machining",
        "先进制造与自动化",
        180,
        "34",
        "event",
    ),
    (
        "阀门检测中心检测能力建设",
        "建设集展示、检测、研发于一体的阀门综合体，需检测方法与设备配置方案。",
        "valve",
        "smart",
        "高技术服务",
        400,
        "34",
        "event",
    ),
    (
        "熔模铸造工艺数字化",
        "熔模铸造工艺参数靠经验，需工艺数字化与质量追溯。",
        "valve",
        "casting",
        "先进制造与自动化",
        110,
        "33",
        "form",
    ),
    (
        "环保鞋底发泡材料开发",
        "传统鞋底材料不可降解，需环保发泡鞋底材料。",
        "shoes",
        "material",
        "新材料",
        80,
        "19",
        "event",
    ),
    (
        "制鞋注塑自动化生产线",
        "注塑工序人工多，需自动化生产线改造。",
        "shoes",
        "making",
        "先进制造与自动化",
        150,
        "19",
        "visit",
    ),
    (
        "鞋服三维设计与元宇宙展示",
        "利用元宇宙技术赋能传统制鞋，需三维设计与数字化展示平台。",
        "shoes",
        "design",
        "电子信息",
        120,
        "19",
        "event",
    ),
    (
        "水性环保胶粘剂替代",
        "溶剂型胶粘剂VOC排放超标，需水性环保胶粘剂。",
        "shoes",
        "material",
        "资源与环境",
        60,
        "19",
        "visit",
    ),
    (
        "功能性面料抗菌处理",
        "服饰面料抗菌耐洗性差，需抗菌整理工艺。",
        "shoes",
        "material",
        "新材料",
        50,
        "18",
        "form",
    ),
)

# Achievements written out for the four matches (demand index → achievement) and a few more.
KEY_ACHIEVEMENTS = (
    (
        "北京科技大学",
        "基于材料基因工程的软磁不锈钢成分设计与稳定化制备技术",
        "通过高通量计算与材料基因工程方法设计软磁不锈钢成分，结合退火工艺控制晶粒与磁性能，实现批次稳定的高品质软磁不锈钢生产。",
        "新材料",
        "pilot",
        6,
        "stainless",
        "softmag",
    ),
    (
        "中国兵器科学研究院宁波分院",
        "双相不锈钢耐点蚀热处理及成分优化技术",
        "针对海洋工程用双相不锈钢，优化氮、钼含量与固溶处理制度，点蚀当量显著提高，耐点蚀性能提升。",
        "新材料",
        "industrial",
        8,
        "stainless",
        "rolling",
    ),
    (
        "浙江理工大学",
        "基于物联网的智能阀门远程监控与故障诊断系统",
        "集成阀位传感、流量监测与无线通信，实现智能阀门运行状态远程监控、泄漏预警与故障诊断。",
        "电子信息",
        "industrial",
        8,
        "valve",
        "smart",
    ),
    (
        "北京科技大学",
        "冷轧不锈钢固溶处理与晶粒均匀化控制工艺",
        "建立固溶温度、保温时间与冷却速度对晶粒度的影响模型，实现冷轧不锈钢晶粒均匀化与硬度稳定。",
        "新材料",
        "pilot",
        7,
        "stainless",
        "rolling",
    ),
)
# (demand index, key achievement index, contracted?, contract amount 万元, turnover 万元)
MATCHES = (
    (0, 0, True, 1200, 1000),
    (8, 1, True, 700, 600),
    (20, 2, True, 460, 400),
    (6, 3, False, 0, 0),
)

# Generated achievements: subjects, processes and aims that belong together, by area.
AREAS = {
    "metal": (
        (
            "不锈钢",
            "软磁不锈钢",
            "双相不锈钢",
            "奥氏体不锈钢",
            "铁素体不锈钢",
            "镍基合金",
            "耐蚀合金",
            "高温合金",
            "不锈钢板带",
            "不锈钢管件",
        ),
        (
            "冶炼",
            "连铸",
            "热轧",
            "冷轧",
            "固溶处理",
            "退火",
            "酸洗",
            "焊接",
            "热处理",
            "表面处理",
            "成分设计",
            "腐蚀防护",
        ),
        (
            "稳定化生产技术",
            "性能提升技术",
            "缺陷控制方法",
            "节能降耗技术",
            "低成本制备技术",
            "质量在线检测系统",
        ),
        "新材料",
        ("不锈钢", "化工装备", "海洋工程", "阀门"),
    ),
    "valve": (
        ("阀门", "球阀", "蝶阀", "闸阀", "泵体", "电动执行器", "密封件", "阀体铸件"),
        ("精密铸造", "熔模铸造", "数控加工", "堆焊", "喷涂", "装配", "泄漏检测", "智能控制"),
        ("关键技术", "自动化装备", "智能化改造方案", "质量检测系统", "寿命提升技术"),
        "先进制造与自动化",
        ("阀门", "流体控制", "化工装备", "水务"),
    ),
    "shoes": (
        ("鞋底材料", "发泡材料", "皮革", "功能面料", "胶粘剂", "鞋楦"),
        ("发泡", "注塑", "表面处理", "抗菌整理", "三维设计", "回收利用"),
        ("绿色制造技术", "性能提升技术", "自动化生产线", "数字化设计方法"),
        "新材料",
        ("鞋服", "箱包", "运动用品"),
    ),
    "agri": (
        ("稻鱼共生", "中药材", "油茶", "杨梅", "食用菌", "田鱼"),
        ("育种", "栽培", "病虫害防控", "深加工", "保鲜", "品质检测"),
        ("集成技术", "示范模式", "关键技术", "标准化技术规程"),
        "生物与新医药",
        ("现代农业", "农产品加工", "乡村振兴"),
    ),
    "stone": (
        ("石雕", "石材", "工艺品"),
        ("数控雕刻", "三维扫描", "表面防护", "废料回收利用"),
        ("数字化设计方法", "绿色加工技术", "关键装备"),
        "先进制造与自动化",
        ("石雕", "文创", "建材"),
    ),
}
INSTITUTION_AREAS = {
    "北京科技大学": ("metal",),
    "北京科技大学青田新材料研究院": ("metal",),
    "中国兵器科学研究院宁波分院": ("metal", "valve"),
    "浙江理工大学": ("valve", "shoes"),
    "丽水学院": ("stone", "shoes", "agri"),
    "浙江省农业科学院": ("agri",),
    "浙江省林业科学研究院": ("agri",),
    "浙江省亚热带作物研究所": ("agri",),
}


def achievements(count: int = 300) -> list[dict]:
    """Key achievements first, then generated ones from each partner's subjects."""
    rng = random.Random(SEED)
    rows = []
    for i, (owner, title, abstract, field, maturity, trl, chain, node) in enumerate(
        KEY_ACHIEVEMENTS, start=1
    ):
        rows.append(
            {
                "code": f"CG2023-{i:04d}",
                "owner": owner,
                "title": title,
                "abstract": abstract,
                "field": field,
                "maturity": maturity,
                "trl": trl,
                "chain": chain,
                "node": node,
            }
        )
    owners = list(INSTITUTION_AREAS)
    seen = {r["title"] for r in rows}
    while len(rows) < count:
        owner = owners[len(rows) % len(owners)]
        subjects, processes, goals, field, uses = AREAS[rng.choice(INSTITUTION_AREAS[owner])]
        subject, process, goal = rng.choice(subjects), rng.choice(processes), rng.choice(goals)
        title = f"{subject}{process}{goal}"
        if title in seen:
            continue
        seen.add(title)
        trl = rng.randint(3, 9)
        maturity = (
            "lab"
            if trl <= 4
            else "small_pilot"
            if trl == 5
            else "pilot"
            if trl <= 7
            else "industrial"
        )
        output = rng.choice(("发明专利", "工艺规程", "样机", "标准草案"))
        abstract = (
            f"针对{subject}{process}中的关键问题，研究{goal}，形成{output}，"
            f"可应用于{rng.choice(uses)}领域。"
        )
        rows.append(
            {
                "code": f"CG2023-{len(rows) + 1:04d}",
                "owner": owner,
                "title": title,
                "abstract": abstract,
                "field": field,
                "maturity": maturity,
                "trl": trl,
                "chain": None,
                "node": None,
            }
        )
    return rows


def other_contracts(year: int, total: Decimal, count: int) -> list[dict]:
    """Contracts besides the matched ones, turnover adding up to `total` yuan, Jan–Jun."""
    rng = random.Random(SEED + year)
    weights = [Decimal(rng.randint(20, 300)) for _ in range(count)]
    weight_sum = sum(weights)
    turnovers = [(total * w / weight_sum).quantize(Decimal("1")) for w in weights]
    turnovers[0] += total - sum(turnovers)
    kinds = ("development", "service", "consulting", "transfer", "licence")
    labels = {
        "development": "开发",
        "service": "服务",
        "consulting": "咨询",
        "transfer": "转让",
        "licence": "许可",
    }
    rows = []
    for i, turnover in enumerate(turnovers):
        amount = (turnover * Decimal(rng.choice(("1", "1", "1.05", "1.2")))).quantize(Decimal("1"))
        rows.append(
            {
                "number": f"{year}3311210{i + 100:03d}",
                "kind": kinds[i % len(kinds)],
                "kind_label": labels[kinds[i % len(kinds)]],
                "turnover": turnover,
                "amount": amount,
                "registered_on": D(year, 1 + i % 6, 3 + (i * 5) % 25),
                "direction": "absorption" if i % 4 else "output",
            }
        )
    return rows

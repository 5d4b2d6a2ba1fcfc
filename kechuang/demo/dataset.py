"""The Qingtian County 2023 demo dataset as plain data: deterministic, no database access.

Everything here is generated from one fixed seed, so every run yields the same
records (same credit codes, names, dates); the loader in services.py writes them.
The seed report's figure "规上制造业企业有研发活动企业占比70.31%" is reproduced
exactly: 256 active above-scale manufacturing firms, 180 of them with R&D activity.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from functools import cache

from kechuang.core import reference
from kechuang.core.validators import USCC_CHARSET, uscc_check_char

SEED = 20230630
AS_OF = datetime.date(2023, 6, 30)
PASSWORD = "Kechuang@2023"

PROVINCE = "330000"
CITY = "331100"
COUNTY = "331121"
HECHENG = "331121001"
OUNAN = "331121002"
YOUZHU = "331121003"
SANXIKOU = "331121004"
WENXI = "331121101"
DONGYUAN = "331121102"
GAOHU = "331121103"
CHUANLIAO = "331121104"
HAIKOU = "331121105"
LAKOU = "331121106"
BEISHAN = "331121107"
SHANKOU = "331121108"
RENZHUANG = "331121109"
FANGSHAN = "331121212"
XIAOZHOUSHAN = "331121215"

ABOVE_SCALE_MANUFACTURING = 256
RND_ACTIVE = 180
TOTAL_ENTERPRISES = 600

QINGSHAN = "浙江青山钢铁有限公司"
DUODISITAI = "浙江多迪斯泰保健器材有限公司"
MADISON = "浙江麦迪森数字科技集团有限公司"
BKD_INSTITUTE = "北京科技大学青田新材料研究院"


@dataclass(frozen=True)
class EnterpriseSpec:
    credit_code: str
    name: str
    township: str  # region code of the township
    industry_division: str
    above_scale: bool
    rnd_active: bool
    founded_on: datetime.date
    production_started_on: datetime.date | None
    address: str
    contact_person: str
    contact_phone: str
    status: str = "active"


@dataclass(frozen=True)
class InstitutionSpec:
    name: str
    short_name: str
    kind: str
    location: str
    address: str = ""
    description: str = ""


@dataclass(frozen=True)
class UserSpec:
    username: str
    full_name: str
    role: str
    region: str  # region code
    enterprise: str = ""  # enterprise name, for enterprise users
    institution: str = ""  # institution name, for institute users
    superuser: bool = False


INSTITUTIONS: tuple[InstitutionSpec, ...] = (
    InstitutionSpec(
        BKD_INSTITUTE,
        "北科大青田研究院",
        "new_rnd_institute",
        "浙江省丽水市青田县",
        description="县校共建的实体化新型研发机构，聚焦不锈钢新材料和阀门产业链技术攻关与成果转化。",
    ),
    InstitutionSpec("北京科技大学", "北科大", "university", "北京市", "北京市海淀区学院路30号"),
    InstitutionSpec(
        "浙江理工大学", "浙理工", "university", "浙江省杭州市", "浙江省杭州市钱塘区2号大街928号"
    ),
    InstitutionSpec(
        "中国兵器科学研究院宁波分院", "兵科院宁波分院", "research_institute", "浙江省宁波市"
    ),
    InstitutionSpec(
        "浙江省农业科学院",
        "省农科院",
        "research_institute",
        "浙江省杭州市",
        "浙江省杭州市上城区石桥路198号",
    ),
    InstitutionSpec(
        "浙江省林业科学研究院",
        "省林科院",
        "research_institute",
        "浙江省杭州市",
        "浙江省杭州市西湖区留下路399号",
    ),
    InstitutionSpec(
        "浙江省亚热带作物研究所", "省亚热带作物所", "research_institute", "浙江省温州市"
    ),
    InstitutionSpec(
        "丽水学院", "丽院", "university", "浙江省丽水市", "浙江省丽水市莲都区学院路1号"
    ),
    InstitutionSpec(
        "青田鞋产业创新服务综合体",
        "鞋产业综合体",
        "service",
        "浙江省丽水市青田县",
        description="服务全县鞋企的设计、检测与创新公共服务平台。",
    ),
    InstitutionSpec(
        "青田创新赋能中心",
        "创新赋能中心",
        "service",
        "浙江省丽水市青田县",
        description="以元宇宙等数字技术赋能传统制造业的展示与服务平台。",
    ),
)

ADMIN = UserSpec("admin", "系统管理员", "staff", COUNTY, superuser=True)
USERS: tuple[UserSpec, ...] = (
    UserSpec("leader", "叶立新", "leader", COUNTY),
    UserSpec("staff", "陈晓燕", "staff", COUNTY),
    UserSpec("liaison_hc", "林志强", "liaison", HECHENG),
    UserSpec("liaison_wx", "吴海峰", "liaison", WENXI),
    UserSpec("qyuser", "徐建华", "enterprise", WENXI, enterprise=QINGSHAN),
    UserSpec("ysuser", "王博文", "institute", COUNTY, institution=BKD_INSTITUTE),
    UserSpec("tpy", "留永明", "commissioner", RENZHUANG),
    UserSpec("lishui", "张丽萍", "viewer", CITY),
)

# Industry words by GB/T 4754-2017 division, as they appear in firm names.
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "01": ("农业开发", "生态农业", "茶业", "果业", "稻鱼产业发展", "杨梅产业"),
    "04": ("水产养殖", "田鱼养殖"),
    "13": ("农产品加工", "粮油"),
    "14": ("食品", "食品科技"),
    "18": ("服饰", "服装"),
    "19": ("鞋业", "制鞋", "皮革制品"),
    "24": ("石雕工艺品", "石雕艺术品", "工艺品"),
    "26": ("化工", "新材料"),
    "29": ("塑业", "橡塑", "塑胶制品"),
    "30": ("石材", "新型建材"),
    "31": ("特钢", "钢铁", "不锈钢", "合金材料"),
    "33": ("不锈钢制品", "金属制品", "精密铸造", "五金", "铸造", "管件"),
    "34": ("阀门", "泵业", "阀业", "机械", "流体控制设备", "管道设备"),
    "35": ("机械设备", "环保设备"),
    "36": ("汽配", "汽车零部件"),
    "38": ("电气", "电器", "电机", "电缆"),
    "40": ("仪表", "仪器"),
    "44": ("水力发电", "水电开发"),
    "47": ("建设", "建筑工程"),
    "51": ("贸易", "进出口", "商贸"),
    "52": ("进口商品", "超市", "百货"),
    "61": ("酒店管理", "宾馆"),
    "65": ("信息科技", "网络科技", "数字科技"),
    "72": ("企业管理咨询", "商务服务"),
    "73": ("科技研发", "技术研究"),
    "75": ("科技服务", "技术服务", "知识产权服务"),
}

ABOVE_MANUFACTURING_WEIGHTS = {
    "31": 24, "33": 52, "34": 60, "19": 30, "18": 12, "38": 24, "29": 14, "13": 5,
    "14": 6, "24": 6, "35": 10, "36": 8, "30": 5, "40": 4, "26": 4,
}  # fmt: skip
SMALL_MANUFACTURING_WEIGHTS = {
    "24": 40, "19": 30, "33": 30, "34": 30, "18": 15, "29": 10, "38": 10, "13": 8,
    "14": 8, "30": 6, "35": 5,
}  # fmt: skip
# Above-scale firms outside manufacturing: hydropower, trade, software, building, services.
ABOVE_OTHER_DIVISIONS = ("44",) * 6 + ("51",) * 8 + ("52",) * 6 + ("65",) * 4 + ("47",) * 4
ABOVE_OTHER_DIVISIONS += ("75",) * 3 + ("73", "72")
SMALL_OTHER_WEIGHTS = {
    "01": 28, "04": 6, "51": 20, "52": 14, "65": 8, "73": 3, "75": 10, "72": 6, "61": 3,
}  # fmt: skip

# Where industry sits: 温溪 (stainless steel), the four 街道 and the valley towns.
INDUSTRIAL_TOWNSHIPS = {
    WENXI: 30, YOUZHU: 14, HECHENG: 10, OUNAN: 10, SANXIKOU: 8, CHUANLIAO: 8,
    DONGYUAN: 8, HAIKOU: 7, SHANKOU: 3, LAKOU: 2, GAOHU: 1, BEISHAN: 1, RENZHUANG: 1,
}  # fmt: skip
STONE_TOWNSHIPS = {SHANKOU: 10, HECHENG: 6, YOUZHU: 3, SANXIKOU: 2, FANGSHAN: 1}
FARM_TOWNSHIPS = {FANGSHAN: 6, RENZHUANG: 4, XIAOZHOUSHAN: 3, BEISHAN: 3, GAOHU: 2}
SERVICE_TOWNSHIPS = {HECHENG: 10, YOUZHU: 6, OUNAN: 4, WENXI: 3, SANXIKOU: 2}
HYDRO_TOWNSHIPS = {BEISHAN: 4, RENZHUANG: 2, GAOHU: 2, "331121110": 2, "331121200": 1}

TRADE_NAMES = (
    "瓯江", "华瑞", "鼎力", "永盛", "恒达", "东方", "金山", "伯特利", "巨龙", "海天",
    "太鹤", "千峡", "石门", "瓯邦", "侨乡", "欧陆", "凯斯特", "欧华", "圣雅", "龙现",
    "华侨", "正大", "宏达", "天宇", "鑫源", "三星", "金鹰", "万嘉", "中鼎", "长城",
    "精工", "合力", "新亚", "远东", "博远", "华通", "力拓", "明珠", "銮亿", "富春",
    "星火", "国瑞", "永兴", "海德", "丰华", "嘉诚", "亿丰", "金瓯", "青峰", "瑞丰",
    "福斯特", "欧特", "维特", "博纳", "奥莱", "卡萨", "米兰", "罗马", "雅典", "威尼",
)  # fmt: skip
_FIRST = "华鼎永恒金宏瑞鑫泰丰嘉东中兴宝天海新信德利盛隆顺安康佳益富凯博创联正汇欧伟荣万"
_SECOND = "达盛丰源泰瑞隆鑫通力成发祥宇辉华诚信昌晟悦星洋峰腾"
RESERVED_TRADE_NAMES = {"青山", "多迪斯泰", "麦迪森"}

SURNAMES = "陈叶林周吴徐王张刘李杨邱潘季留项夏郭胡朱郑蒋金程孙章何"
GIVEN = (
    "建国", "志强", "海峰", "晓燕", "丽萍", "永明", "伟", "敏", "静", "磊", "洁", "勇",
    "建华", "国平", "伟东", "红英", "爱华", "美玲", "小军", "海燕", "立新", "文斌",
    "晓东", "春燕", "秀英", "国强", "建平", "美华", "振华", "雪芬", "俊杰", "佳怡",
)  # fmt: skip
MOBILE_PREFIXES = (
    "130", "131", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "157", "158", "159", "180", "181", "182", "183", "186", "187", "188", "189",
)  # fmt: skip
ROADS = (
    "兴业路", "创业路", "工业大道", "金鹰路", "滨江路", "江滨路", "瓯江路", "新华路",
    "华侨路", "龙津路", "伯温路", "太鹤路", "清源路", "学府路", "开发路", "东源路",
    "沙埠路", "集镇路", "望江路", "环城路",
)  # fmt: skip
INDUSTRIAL_AREAS = ("工业园区", "工业功能区", "工业区", "")


def township_names() -> dict[str, str]:
    return {r["code"]: r["name"] for r in reference.regions() if r["level"] == "township"}


def _org_code_check(first8: str) -> str:
    """Check character of a GB 11714 organization code (positions 9–17 of the USCC)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = (int(c) if c.isdigit() else ord(c) - 55 for c in first8)
    total = sum(v * w for v, w in zip(values, weights, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.codes: set[str] = set()
        self.names: set[str] = set()
        self.townships = township_names()
        pool = list(TRADE_NAMES)
        generated = [a + b for a in _FIRST for b in _SECOND if a != b]
        self.rng.shuffle(generated)
        seen: set[str] = set(RESERVED_TRADE_NAMES)
        self.trade_names = []
        for name in pool + generated:
            if name not in seen:
                seen.add(name)
                self.trade_names.append(name)
        self.rng.shuffle(self.trade_names)

    def pick(self, weights: dict[str, float]) -> str:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def credit_code(self, founded_on: datetime.date) -> str:
        while True:
            if founded_on.year >= 2016:  # codes issued after the 2015 reform start with MA
                org = "MA2" + "".join(self.rng.choice(USCC_CHARSET) for _ in range(5))
            else:
                org = "".join(self.rng.choice("0123456789") for _ in range(8))
            first17 = "91" + COUNTY + org + _org_code_check(org)
            code = first17 + uscc_check_char(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def name(self, division: str, *, big: bool) -> str:
        while True:
            trade = self.trade_names.pop()
            word = self.rng.choice(INDUSTRY_WORDS[division])
            if big:
                prefix = self.pick({"浙江": 6, "青田县": 2, "青田": 1, "丽水": 1})
                shares = prefix in ("浙江", "丽水") and self.rng.random() < 0.2
                suffix = "股份有限公司" if shares else "有限公司"
            else:
                prefix = self.pick({"青田县": 7, "青田": 2, "浙江": 1})
                suffix = "有限公司"
            name = f"{prefix}{trade}{word}{suffix}"
            if name not in self.names:
                self.names.add(name)
                return name

    def date(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def address(self, township: str, *, industrial: bool) -> str:
        industrial = industrial and township in INDUSTRIAL_TOWNSHIPS
        area = self.rng.choice(INDUSTRIAL_AREAS) if industrial else ""
        road = self.rng.choice(ROADS)
        return f"青田县{self.townships[township]}{area}{road}{self.rng.randrange(1, 300)}号"

    def township(self, division: str, *, industrial_default: bool) -> str:
        if division == "24":
            weights = STONE_TOWNSHIPS
        elif division in ("01", "04"):
            weights = FARM_TOWNSHIPS
        elif division == "44":
            weights = HYDRO_TOWNSHIPS
        elif industrial_default:
            weights = INDUSTRIAL_TOWNSHIPS
        else:
            weights = SERVICE_TOWNSHIPS
        # Every township gets a little of everything besides its main industries.
        spread = {code: 0.3 for code in self.townships} | weights
        return self.pick(spread)

    def enterprise(
        self,
        division: str,
        *,
        above_scale: bool,
        rnd_active: bool,
        status: str = "active",
        name: str = "",
        township: str = "",
    ) -> EnterpriseSpec:
        manufacturing = reference.industry_divisions()[division][0] == "C"
        industrial = manufacturing or division in ("44", "47")
        township = township or self.township(division, industrial_default=industrial)
        if above_scale:
            founded = self.date(datetime.date(1996, 1, 1), datetime.date(2019, 12, 31))
        else:
            founded = self.date(datetime.date(2004, 1, 1), datetime.date(2023, 5, 31))
        started = None
        if manufacturing or division in ("01", "04", "44"):
            started = min(founded + datetime.timedelta(days=self.rng.randint(60, 720)), AS_OF)
            if founded.year == 2023 and self.rng.random() < 0.5:
                started = None  # newly recruited, not yet producing
        if name:
            self.names.add(name)
        return EnterpriseSpec(
            credit_code=self.credit_code(founded),
            name=name or self.name(division, big=above_scale),
            township=township,
            industry_division=division,
            above_scale=above_scale,
            rnd_active=rnd_active,
            founded_on=founded,
            production_started_on=started,
            address=self.address(township, industrial=industrial),
            contact_person=self.person(),
            contact_phone=self.mobile(),
            status=status,
        )


@cache
def enterprises() -> tuple[EnterpriseSpec, ...]:
    """The 600 demo firms, always the same ones in the same order."""
    gen = _Generator(SEED)
    rng = gen.rng
    firms: list[EnterpriseSpec] = []

    # Active above-scale manufacturing: 256, of which 180 have R&D activity (70.31%).
    named = [
        gen.enterprise("31", above_scale=True, rnd_active=True, name=QINGSHAN, township=WENXI),
        gen.enterprise("38", above_scale=True, rnd_active=True, name=DUODISITAI, township=OUNAN),
    ]
    rest = ABOVE_SCALE_MANUFACTURING - len(named)
    with_rnd = set(rng.sample(range(rest), RND_ACTIVE - len(named)))
    firms += named
    for i in range(rest):
        division = gen.pick(ABOVE_MANUFACTURING_WEIGHTS)
        firms.append(gen.enterprise(division, above_scale=True, rnd_active=i in with_rnd))

    # Above-scale firms outside manufacturing.
    firms.append(
        gen.enterprise("65", above_scale=True, rnd_active=True, name=MADISON, township=HECHENG)
    )
    for division in ABOVE_OTHER_DIVISIONS:
        rnd = division in ("65", "73", "75") and rng.random() < 0.6
        firms.append(gen.enterprise(division, above_scale=True, rnd_active=rnd))

    # Above-scale manufacturers that moved out or closed: outside the 256.
    for status in ("moved_out",) * 6 + ("closed",) * 4:
        division = gen.pick(ABOVE_MANUFACTURING_WEIGHTS)
        firms.append(
            gen.enterprise(division, above_scale=True, rnd_active=rng.random() < 0.5, status=status)
        )

    # Small manufacturers.
    for _ in range(190):
        division = gen.pick(SMALL_MANUFACTURING_WEIGHTS)
        firms.append(gen.enterprise(division, above_scale=False, rnd_active=rng.random() < 0.2))

    # Small firms outside manufacturing; the first ones put a firm in every township.
    for code in sorted(gen.townships):
        division = "52" if code[6] == "0" else rng.choice(("01", "01", "04", "52"))
        firms.append(gen.enterprise(division, above_scale=False, rnd_active=False, township=code))
    while len(firms) < TOTAL_ENTERPRISES - 12:
        division = gen.pick(SMALL_OTHER_WEIGHTS)
        rnd = division in ("65", "73", "75") and rng.random() < 0.4
        firms.append(gen.enterprise(division, above_scale=False, rnd_active=rnd))

    # Small firms that moved out or closed.
    for status in ("moved_out",) * 5 + ("closed",) * 7:
        division = gen.pick(SMALL_MANUFACTURING_WEIGHTS | SMALL_OTHER_WEIGHTS)
        firms.append(gen.enterprise(division, above_scale=False, rnd_active=False, status=status))
    return tuple(firms)


def credit_code_of(name: str) -> str:
    for firm in enterprises():
        if firm.name == name:
            return firm.credit_code
    raise KeyError(name)

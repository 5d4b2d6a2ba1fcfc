from django.db import models


class ChainStage(models.TextChoices):
    UPSTREAM = "upstream", "上游"
    MIDSTREAM = "midstream", "中游"
    DOWNSTREAM = "downstream", "下游"


class DemandStatus(models.TextChoices):
    COLLECTED = "collected", "已收集"
    PUBLISHED = "published", "已发布"
    MATCHED = "matched", "已匹配"
    NEGOTIATING = "negotiating", "洽谈中"
    CONTRACTED = "contracted", "已签约"
    CLOSED = "closed", "已关闭"


# A demand is read by every signed-in user from publication until it is contracted or closed.
PUBLIC_DEMAND_STATUSES = (DemandStatus.PUBLISHED, DemandStatus.MATCHED, DemandStatus.NEGOTIATING)

DEMAND_TRANSITIONS = {
    DemandStatus.COLLECTED: {DemandStatus.PUBLISHED, DemandStatus.CLOSED},
    DemandStatus.PUBLISHED: {DemandStatus.MATCHED, DemandStatus.CLOSED},
    DemandStatus.MATCHED: {DemandStatus.NEGOTIATING, DemandStatus.PUBLISHED, DemandStatus.CLOSED},
    DemandStatus.NEGOTIATING: {DemandStatus.CONTRACTED, DemandStatus.MATCHED, DemandStatus.CLOSED},
    DemandStatus.CONTRACTED: {DemandStatus.CLOSED},
    DemandStatus.CLOSED: set(),
}


class DemandSource(models.TextChoices):
    VISIT = "visit", "走访收集"
    FORM = "form", "线上填报"
    EVENT = "event", "对接活动"


class Maturity(models.TextChoices):
    """Stages of readiness; each covers a span of TRL (技术就绪度) levels."""

    LAB = "lab", "实验室"
    SMALL_PILOT = "small_pilot", "小试"
    PILOT = "pilot", "中试"
    INDUSTRIAL = "industrial", "产业化"


# TRL levels each stage spans (GB/T 22900-2022 科学技术研究项目评价通则 uses 9 levels).
MATURITY_TRL = {
    Maturity.LAB: (1, 4),
    Maturity.SMALL_PILOT: (5, 5),
    Maturity.PILOT: (6, 7),
    Maturity.INDUSTRIAL: (8, 9),
}


class TransferMode(models.TextChoices):
    TRANSFER = "transfer", "转让"
    LICENCE = "licence", "许可"
    JOINT = "joint", "合作开发"
    SERVICE = "service", "技术服务"


class MatchStatus(models.TextChoices):
    RECOMMENDED = "recommended", "已推荐"
    CONTACTED = "contacted", "已对接"
    NEGOTIATING = "negotiating", "洽谈中"
    CONTRACTED = "contracted", "已签约"
    DROPPED = "dropped", "已终止"


MATCH_TRANSITIONS = {
    MatchStatus.RECOMMENDED: {MatchStatus.CONTACTED, MatchStatus.DROPPED},
    MatchStatus.CONTACTED: {MatchStatus.NEGOTIATING, MatchStatus.DROPPED},
    MatchStatus.NEGOTIATING: {MatchStatus.CONTRACTED, MatchStatus.DROPPED},
    MatchStatus.CONTRACTED: set(),
    MatchStatus.DROPPED: set(),
}


class RejectReason(models.TextChoices):
    """Structured feedback on a suggestion, after IN-PART's."""

    TOO_EARLY = "too_early", "成果尚不成熟"
    NOT_RELEVANT = "not_relevant", "与需求不相关"
    ALREADY_KNOWN = "already_known", "已了解或已在合作"
    COST = "cost", "成本过高"
    CAPACITY = "capacity", "企业暂无承接能力"
    OTHER = "other", "其他"


class ContractType(models.TextChoices):
    DEVELOPMENT = "development", "技术开发"
    TRANSFER = "transfer", "技术转让"
    LICENCE = "licence", "技术许可"
    CONSULTING = "consulting", "技术咨询"
    SERVICE = "service", "技术服务"


class ContractDirection(models.TextChoices):
    """For the county: a seller in the county is output, a buyer in the county absorption."""

    OUTPUT = "output", "输出"
    ABSORPTION = "absorption", "吸纳"

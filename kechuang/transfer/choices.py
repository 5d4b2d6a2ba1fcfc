from django.db import models

from kechuang.core.choices import BUREAU_ROLES, Role
from kechuang.core.workflow import Transition, Workflow


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

# Who moves demands and matches: bureau staff and leaders, and liaisons (for the firms of
# their township: the scope decides).
MANAGERS = frozenset({*BUREAU_ROLES, Role.LIAISON})
_OPEN_DEMAND = [
    DemandStatus.COLLECTED,
    DemandStatus.PUBLISHED,
    DemandStatus.MATCHED,
    DemandStatus.NEGOTIATING,
    DemandStatus.CONTRACTED,
]
# A firm's own user may only close its demand.
DEMAND_WORKFLOW = Workflow(
    states=DemandStatus,
    name="需求状态",
    transitions=[
        Transition(DemandStatus.PUBLISHED, sources=[DemandStatus.COLLECTED], roles=MANAGERS),
        Transition(DemandStatus.MATCHED, sources=[DemandStatus.PUBLISHED], roles=MANAGERS),
        Transition(
            DemandStatus.NEGOTIATING,
            sources=[DemandStatus.MATCHED],
            roles=MANAGERS,
        ),
        # Back when talks come to nothing.
        Transition(DemandStatus.PUBLISHED, sources=[DemandStatus.MATCHED], roles=MANAGERS),
        Transition(DemandStatus.MATCHED, sources=[DemandStatus.NEGOTIATING], roles=MANAGERS),
        Transition(
            DemandStatus.CONTRACTED,
            sources=[DemandStatus.NEGOTIATING],
            roles=MANAGERS,
        ),
        Transition(DemandStatus.CLOSED, sources=_OPEN_DEMAND, roles={*MANAGERS, Role.ENTERPRISE}),
    ],
)


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


_LIVE_MATCH = [MatchStatus.RECOMMENDED, MatchStatus.CONTACTED, MatchStatus.NEGOTIATING]
# Each step is dated; the match's demand follows it (services.match_moved).
MATCH_WORKFLOW = Workflow(
    states=MatchStatus,
    name="对接状态",
    transitions=[
        Transition(
            MatchStatus.CONTACTED,
            sources=[MatchStatus.RECOMMENDED],
            roles=MANAGERS,
            stamps="contacted_on",
        ),
        Transition(
            MatchStatus.NEGOTIATING,
            sources=[MatchStatus.CONTACTED],
            roles=MANAGERS,
            stamps="negotiating_on",
        ),
        Transition(
            MatchStatus.CONTRACTED,
            sources=[MatchStatus.NEGOTIATING],
            roles=MANAGERS,
            stamps="closed_on",
        ),
        Transition(MatchStatus.DROPPED, sources=_LIVE_MATCH, roles=MANAGERS, stamps="closed_on"),
    ],
    note_field="note",
    not_before="recommended_on",
    after="kechuang.transfer.services.match_moved",
)


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

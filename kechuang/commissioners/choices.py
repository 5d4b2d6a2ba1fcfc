"""Choices of the S&T commissioners (DB33/T 1316—2023 《科技特派员服务和管理规范》)."""

from django.db import models

from kechuang.core.choices import Role
from kechuang.core.workflow import COMMENT, Transition, Workflow


class CommissionerKind(models.TextChoices):
    INDIVIDUAL = "individual", "个人科技特派员"
    TEAM = "team", "团队科技特派员"
    LEGAL_ENTITY = "legal_entity", "法人科技特派员"
    INDUSTRIAL = "industrial", "产业科技特派员"


class ServiceModel(models.TextChoices):
    """The service models of DB33/T 1316—2023."""

    PERSON_TOWNSHIP = "1p1t", "1人+1乡"
    TEAM_INDUSTRY = "1t1i", "1团+1业"
    ENTITY_COUNTY = "1e1c", "1家+1县"


# The model a kind serves by unless the record says otherwise.
DEFAULT_MODEL = {
    CommissionerKind.INDIVIDUAL: ServiceModel.PERSON_TOWNSHIP,
    CommissionerKind.TEAM: ServiceModel.TEAM_INDUSTRY,
    CommissionerKind.LEGAL_ENTITY: ServiceModel.ENTITY_COUNTY,
    CommissionerKind.INDUSTRIAL: ServiceModel.TEAM_INDUSTRY,
}


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    QUALIFIED = "qualified", "合格"
    UNQUALIFIED = "unqualified", "不合格"


class Coverage(models.TextChoices):
    """A township's standing on the coverage page, gaps first."""

    STALE = "stale", "已派驻，90天内未服务"
    UNASSIGNED = "unassigned", "未派驻"
    SERVED = "served", "已派驻并服务"


ATTACHMENT_KINDS = ("现场照片", "服务记录", "其他")


class RequesterKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    VILLAGE = "village", "村"
    COOPERATIVE = "cooperative", "合作社、农户"


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    ASSIGNED = "assigned", "已分派"
    SERVED = "served", "已服务"
    CLOSED = "closed", "已办结"
    DECLINED = "declined", "不予受理"


_S = RequestStatus
_DISPATCHERS = (Role.STAFF, Role.LEADER, Role.LIAISON)

# A service request (服务需求): bureau staff or the township's liaison assign it to a
# commissioner (the assign service sets the commissioner, then takes this move) or decline
# it; the commissioner, or they, may hand it back; writing the service log from it moves it
# to 已服务 (`workflow.follow`, no one takes that move directly); the requester, the liaison
# or the bureau confirm it closed.
REQUEST_WORKFLOW = Workflow(
    states=RequestStatus,
    name="需求状态",
    note_field="note",
    transitions=[
        Transition(_S.ASSIGNED, sources=[_S.SUBMITTED], roles=_DISPATCHERS, label="分派"),
        Transition(
            _S.SUBMITTED,
            sources=[_S.ASSIGNED],
            roles=(*_DISPATCHERS, Role.COMMISSIONER),
            label="退回重新分派",
            requires={COMMENT},
            after="kechuang.commissioners.services.request_returned",
        ),
        Transition(_S.SERVED, sources=[_S.ASSIGNED], roles=()),
        Transition(
            _S.CLOSED,
            sources=[_S.SERVED],
            roles=(*_DISPATCHERS, Role.ENTERPRISE),
            label="确认办结",
        ),
        Transition(
            _S.DECLINED,
            sources=[_S.SUBMITTED, _S.ASSIGNED],
            roles=_DISPATCHERS,
            label="不予受理",
            requires={COMMENT},
        ),
    ],
)

"""Choices of the S&T commissioners (DB33/T 1316—2023 《科技特派员服务和管理规范》)."""

from django.db import models


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

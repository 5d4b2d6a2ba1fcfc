from django.db import models

from kechuang.core.choices import BUREAU_ROLES, Role
from kechuang.core.workflow import Transition, Workflow


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", "在营"
    MOVED_OUT = "moved_out", "迁出"
    CLOSED = "closed", "注销"


# The eight supported fields of 国科发火〔2016〕32号 附件《国家重点支持的高新技术领域》.
class TechField(models.TextChoices):
    ELECTRONIC_INFO = "电子信息", "电子信息"
    BIO_MEDICINE = "生物与新医药", "生物与新医药"
    AEROSPACE = "航空航天", "航空航天"
    NEW_MATERIALS = "新材料", "新材料"
    HIGHTECH_SERVICE = "高技术服务", "高技术服务"
    NEW_ENERGY = "新能源与节能", "新能源与节能"
    RESOURCES_ENV = "资源与环境", "资源与环境"
    ADVANCED_MFG = "先进制造与自动化", "先进制造与自动化"


class TierValidity(models.TextChoices):
    CALENDAR_YEAR = "calendar_year", "当年有效"
    YEARS = "years", "自发证之日起若干年"


class QualificationSource(models.TextChoices):
    LIST = "list", "公示名单导入"
    MANUAL = "manual", "手工录入"


class PoolStatus(models.TextChoices):
    CANDIDATE = "candidate", "培育对象"
    COACHING = "coaching", "辅导中"
    APPLIED = "applied", "已申报"
    CERTIFIED = "certified", "已认定"
    NOT_PASSED = "not_passed", "未通过"


# Who moves a pool entry: bureau staff and leaders, and the liaison of the firm's township.
POOL_MANAGERS = frozenset({*BUREAU_ROLES, Role.LIAISON})
# Certified and not passed are final for that year.
POOL_WORKFLOW = Workflow(
    states=PoolStatus,
    name="培育状态",
    transitions=[
        Transition(
            PoolStatus.COACHING,
            sources=[PoolStatus.CANDIDATE],
            roles=POOL_MANAGERS,
        ),
        Transition(
            PoolStatus.CANDIDATE,
            sources=[PoolStatus.COACHING],
            roles=POOL_MANAGERS,
        ),
        Transition(
            PoolStatus.APPLIED,
            sources=[PoolStatus.CANDIDATE, PoolStatus.COACHING],
            roles=POOL_MANAGERS,
        ),
        Transition(
            PoolStatus.CERTIFIED,
            sources=[PoolStatus.APPLIED],
            roles=POOL_MANAGERS,
        ),
        Transition(
            PoolStatus.NOT_PASSED,
            sources=[PoolStatus.CANDIDATE, PoolStatus.COACHING, PoolStatus.APPLIED],
            roles=POOL_MANAGERS,
        ),
    ],
    stamps="status_changed_on",
    note_field="note",
)

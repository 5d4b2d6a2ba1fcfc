"""Choices of the platforms app and the platform workflow (who may take which move)."""

from django.db import models

from kechuang.core.choices import BUREAU_ROLES, Role
from kechuang.core.workflow import ATTACHMENT, COMMENT, DATE, Transition, Workflow


class PlatformType(models.TextChoices):
    KEY_ENTERPRISE_INSTITUTE = "key_enterprise_institute", "省重点企业研究院"
    ENTERPRISE_INSTITUTE = "enterprise_institute", "省企业研究院"
    HNTE_RND_CENTRE = "hnte_rnd_centre", "省高新技术企业研究开发中心"
    KEY_LABORATORY = "key_laboratory", "重点实验室"
    SERVICE_COMPLEX = "service_complex", "产业创新服务综合体"
    NEW_RND_INSTITUTE = "new_rnd_institute", "新型研发机构"
    INCUBATOR = "incubator", "孵化器（众创空间）"
    TESTING_CENTRE = "testing_centre", "检验检测中心"


# The enterprise R&D bodies (three provincial tiers): hosted by a firm, checked against the
# recognition criteria of eligibility/policies while planned or preparing.
ENTERPRISE_RND_TYPES = (
    PlatformType.KEY_ENTERPRISE_INSTITUTE,
    PlatformType.ENTERPRISE_INSTITUTE,
    PlatformType.HNTE_RND_CENTRE,
)


class PlatformLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class PlatformStatus(models.TextChoices):
    PLANNED = "planned", "谋划"
    PREPARING = "preparing", "培育/筹建"
    APPLIED = "applied", "已申报"
    RECOGNISED = "recognised", "已认定"
    REVOKED = "revoked", "已撤销"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


# Kinds of files attached to a platform (core/attachments.py); recognition needs the second.
ATTACHMENT_KINDS = ("申报材料", "认定文件", "评价材料", "其他")
RECOGNITION_DOCUMENT = "认定文件"

# Who moves platforms:
# - a host firm's own user may only start building (planned → preparing): the decision to
#   build is the firm's, everything after goes through the bureau; an institute's user moves
#   nothing (the platforms institutes host here are built with the county, by the bureau);
# - a township liaison may do the same and shelve it again, for the firms of the township;
# - applying (the county recommends to the province), recognition, the way back after a
#   failed application, revocation and a fresh start after it are the bureau's (staff and
#   leaders), who hold the provincial documents.
BUREAU = frozenset(BUREAU_ROLES)
BUILDERS = frozenset({*BUREAU_ROLES, Role.LIAISON, Role.ENTERPRISE})
SHELVERS = frozenset({*BUREAU_ROLES, Role.LIAISON})

PLATFORM_WORKFLOW = Workflow(
    states=PlatformStatus,
    name="平台状态",
    transitions=[
        Transition(
            PlatformStatus.PREPARING,
            sources=[PlatformStatus.PLANNED],
            roles=BUILDERS,
            label="开始培育/筹建",
        ),
        Transition(
            PlatformStatus.PLANNED,
            sources=[PlatformStatus.PREPARING],
            roles=SHELVERS,
            label="暂缓，退回谋划",
            requires={COMMENT},
        ),
        Transition(
            PlatformStatus.APPLIED,
            sources=[PlatformStatus.PREPARING],
            roles=BUREAU,
            label="已申报",
            stamps="applied_on",
        ),
        # Not recognised this round: back to building, to apply again.
        Transition(
            PlatformStatus.PREPARING,
            sources=[PlatformStatus.APPLIED, PlatformStatus.REVOKED],
            roles=BUREAU,
            label="未获认定或重新培育",
            requires={COMMENT},
        ),
        Transition(
            PlatformStatus.RECOGNISED,
            sources=[PlatformStatus.APPLIED],
            roles=BUREAU,
            label="已认定",
            requires={DATE, ATTACHMENT},
            attachment_kind=RECOGNITION_DOCUMENT,
            stamps="recognised_on",
        ),
        Transition(
            PlatformStatus.REVOKED,
            sources=[PlatformStatus.RECOGNISED],
            roles=BUREAU,
            label="撤销",
            requires={COMMENT},
            stamps="revoked_on",
        ),
    ],
    stamps="status_changed_on",
)

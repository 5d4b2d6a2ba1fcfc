"""Choices of programs, calls and projects, and the project workflow."""

from django.db import models

from kechuang.core.choices import BUREAU_ROLES, Role
from kechuang.core.workflow import Transition, Workflow


class ProgramKind(models.TextChoices):
    NATIONAL_KEY = "national_key", "国家重点研发计划"
    JIANBING = "jianbing", "省“尖兵”研发攻关计划"
    LINGYAN = "lingyan", "省“领雁”研发攻关计划"
    JIEBANG = "jiebang", "县“揭榜挂帅”项目"
    OTHER = "other", "其他"


# The provincial R&D programmes whose collected demands the county reports (the seed's
# "组织上报省尖兵领雁研发攻关需求7项").
PROVINCIAL_KINDS = (ProgramKind.JIANBING, ProgramKind.LINGYAN)


class ProgramLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class ProjectStatus(models.TextChoices):
    COLLECTED = "collected", "需求已征集"
    DRAFTED = "drafted", "申报书编制中"
    SUBMITTED = "submitted", "已提交"
    RECOMMENDED = "recommended", "县级已推荐"
    APPROVED = "approved", "已立项"
    REJECTED = "rejected", "未立项"
    CONTRACTED = "contracted", "已签订合同"
    MIDTERM = "midterm", "已中期检查"
    ACCEPTED = "accepted", "已验收"
    FAILED = "failed", "验收未通过"
    CLOSED = "closed", "已关闭"


# Projects under way: their milestones are watched for overdue alerts.
ACTIVE_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.CONTRACTED, ProjectStatus.MIDTERM)


class OutputKind(models.TextChoices):
    PATENT = "patent", "专利"
    PRODUCT = "product", "新产品"
    PROCESS = "process", "新工艺"
    STANDARD = "standard", "标准"
    PAPER = "paper", "论文"
    REVENUE = "revenue", "营业收入"
    OTHER = "other", "其他"


# Outputs measured in yuan; the others are counted.
AMOUNT_OUTPUTS = (OutputKind.REVENUE,)

# Kinds of files attached to a project (core/attachments.py); signing the contract and the
# acceptance each need theirs.
CONTRACT_ATTACHMENT = "合同文本"
ACCEPTANCE_ATTACHMENT = "验收报告"
ATTACHMENT_KINDS = ("申报材料", CONTRACT_ATTACHMENT, "中期检查材料", ACCEPTANCE_ATTACHMENT, "其他")

# Firms and institutes draft and submit their own applications; the bureau recommends and
# records the decisions of the province or nation; liaisons collect demands (and may drop
# one that goes no further).
APPLICANTS = frozenset({Role.ENTERPRISE, Role.INSTITUTE})
COLLECTORS = frozenset({*BUREAU_ROLES, Role.LIAISON})
_UNDER_WAY = [ProjectStatus.CONTRACTED, ProjectStatus.MIDTERM]

PROJECT_WORKFLOW = Workflow(
    states=ProjectStatus,
    name="项目状态",
    transitions=[
        Transition(
            ProjectStatus.DRAFTED,
            sources=[ProjectStatus.COLLECTED],
            roles={*APPLICANTS, *BUREAU_ROLES},
            label="开始编制申报书",
        ),
        Transition(
            ProjectStatus.SUBMITTED,
            sources=[ProjectStatus.DRAFTED],
            roles=APPLICANTS,
            label="提交申报",
            stamps="submitted_on",
            after="kechuang.projects.services.project_submitted",
        ),
        Transition(
            ProjectStatus.DRAFTED,
            sources=[ProjectStatus.SUBMITTED],
            roles=BUREAU_ROLES,
            label="退回修改",
            requires={"comment"},
        ),
        Transition(
            ProjectStatus.RECOMMENDED,
            sources=[ProjectStatus.SUBMITTED],
            roles=BUREAU_ROLES,
            label="县级推荐",
            stamps="recommended_on",
        ),
        Transition(
            ProjectStatus.APPROVED,
            sources=[ProjectStatus.RECOMMENDED],
            roles=BUREAU_ROLES,
            label="登记立项",
            requires={"date"},
            stamps="decided_on",
        ),
        Transition(
            ProjectStatus.REJECTED,
            sources=[ProjectStatus.RECOMMENDED],
            roles=BUREAU_ROLES,
            label="登记未立项",
            requires={"date"},
            stamps="decided_on",
        ),
        Transition(
            ProjectStatus.CONTRACTED,
            sources=[ProjectStatus.APPROVED],
            roles=BUREAU_ROLES,
            label="登记合同签订",
            requires={"date", "attachment"},
            attachment_kind=CONTRACT_ATTACHMENT,
            stamps="contract_signed_on",
        ),
        Transition(
            ProjectStatus.MIDTERM,
            sources=[ProjectStatus.CONTRACTED],
            roles=BUREAU_ROLES,
            label="登记中期检查",
            requires={"date"},
            stamps="midterm_on",
        ),
        Transition(
            ProjectStatus.ACCEPTED,
            sources=_UNDER_WAY,
            roles=BUREAU_ROLES,
            label="登记验收通过",
            requires={"date", "attachment"},
            attachment_kind=ACCEPTANCE_ATTACHMENT,
            stamps="finished_on",
            after="kechuang.projects.services.project_accepted",
        ),
        Transition(
            ProjectStatus.FAILED,
            sources=_UNDER_WAY,
            roles=BUREAU_ROLES,
            label="登记验收未通过",
            requires={"date", "comment"},
            stamps="finished_on",
        ),
        Transition(
            ProjectStatus.CLOSED,
            sources=[ProjectStatus.ACCEPTED, ProjectStatus.FAILED, ProjectStatus.REJECTED],
            roles=BUREAU_ROLES,
            label="结题关闭",
            stamps="closed_on",
        ),
        Transition(
            ProjectStatus.CLOSED,
            sources=[ProjectStatus.COLLECTED, ProjectStatus.DRAFTED],
            roles={*APPLICANTS, *COLLECTORS},
            label="撤销",
            requires={"comment"},
            stamps="closed_on",
        ),
    ],
    note_field="note",
)

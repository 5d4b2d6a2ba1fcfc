"""Choices of the talent app and the talent project workflow (who may take which move)."""

from django.db import models

from kechuang.core.choices import BUREAU_ROLES, Role
from kechuang.core.workflow import COMMENT, DATE, Transition, Workflow


class ProjectKind(models.TextChoices):
    INNOVATION = "innovation", "创新"
    ENTREPRENEURSHIP = "entrepreneurship", "创业"


class ApplicantKind(models.TextChoices):
    PERSON = "person", "个人"
    TEAM = "team", "团队"


class Stage(models.TextChoices):
    CONTACT = "contact", "接洽"
    INTENT = "intent", "意向"
    SIGNED = "signed", "签约"
    LANDED = "landed", "落地"
    EVALUATED = "evaluated", "已评估"
    DROPPED = "dropped", "终止"


# The date each stage writes when reached (the figures count by it).
STAGE_DATES = {
    Stage.CONTACT: "contacted_on",
    Stage.INTENT: "intended_on",
    Stage.SIGNED: "signed_on",
    Stage.LANDED: "landed_on",
    Stage.EVALUATED: "evaluated_on",
    Stage.DROPPED: "dropped_on",
}
# Stages in which stage payments of the committed funding are made.
FUNDED_STAGES = (Stage.SIGNED, Stage.LANDED, Stage.EVALUATED)


class EvaluationResult(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


ATTACHMENT_KINDS = ("意向书", "协议", "评估材料", "拨付凭证", "其他")

# Who moves talent projects:
# - a township liaison records contact and intent for its township's firms, and may drop a
#   project still at contact or intent;
# - signing, landing, evaluation, dropping a signed project and reopening are the bureau's.
BUREAU = frozenset(BUREAU_ROLES)
FIELD = frozenset({*BUREAU_ROLES, Role.LIAISON})

TALENT_WORKFLOW = Workflow(
    states=Stage,
    name="人才项目阶段",
    transitions=[
        Transition(
            Stage.INTENT,
            sources=[Stage.CONTACT],
            roles=FIELD,
            label="达成意向",
            stamps="intended_on",
        ),
        Transition(
            Stage.SIGNED,
            sources=[Stage.INTENT],
            roles=BUREAU,
            label="签约",
            requires={DATE},
            stamps="signed_on",
        ),
        Transition(
            Stage.LANDED,
            sources=[Stage.SIGNED],
            roles=BUREAU,
            label="落地",
            requires={DATE},
            stamps="landed_on",
        ),
        Transition(
            Stage.EVALUATED,
            sources=[Stage.LANDED],
            roles=BUREAU,
            label="完成评估",
            requires={DATE},
            stamps="evaluated_on",
        ),
        Transition(
            Stage.DROPPED,
            sources=[Stage.CONTACT, Stage.INTENT],
            roles=FIELD,
            label="终止",
            requires={COMMENT},
            stamps="dropped_on",
        ),
        Transition(
            Stage.DROPPED,
            sources=[Stage.SIGNED, Stage.LANDED],
            roles=BUREAU,
            label="终止",
            requires={COMMENT},
            stamps="dropped_on",
        ),
        Transition(
            Stage.CONTACT,
            sources=[Stage.DROPPED],
            roles=BUREAU,
            label="重新接洽",
            requires={COMMENT},
        ),
    ],
    stamps="status_changed_on",
    note_field="note",
)

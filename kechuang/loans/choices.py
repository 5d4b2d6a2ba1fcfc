"""Choices of the loans app and the recommendation workflow (who may take which move)."""

from django.db import models

from kechuang.core.choices import BUREAU_ROLES, Role
from kechuang.core.workflow import COMMENT, DATE, Transition, Workflow


class LoanStatus(models.TextChoices):
    RECOMMENDED = "recommended", "已推荐"
    GRANTED = "granted", "已授信"
    DECLINED = "declined", "未获授信"
    WITHDRAWN = "withdrawn", "已撤回"


ATTACHMENT_KINDS = ("推荐函", "授信材料", "其他")

# Who moves recommendations:
# - the bureau records the bank's answer (granted with its date, declined with the reason)
#   and reopens a withdrawn recommendation;
# - a township liaison may withdraw a recommendation of its township's firm still waiting.
BUREAU = frozenset(BUREAU_ROLES)
FIELD = frozenset({*BUREAU_ROLES, Role.LIAISON})

LOAN_WORKFLOW = Workflow(
    states=LoanStatus,
    name="推荐状态",
    transitions=[
        Transition(
            LoanStatus.GRANTED,
            sources=[LoanStatus.RECOMMENDED],
            roles=BUREAU,
            label="已授信",
            requires={DATE},
            stamps="granted_on",
        ),
        Transition(
            LoanStatus.DECLINED,
            sources=[LoanStatus.RECOMMENDED],
            roles=BUREAU,
            label="未获授信",
            requires={COMMENT},
        ),
        Transition(
            LoanStatus.WITHDRAWN,
            sources=[LoanStatus.RECOMMENDED],
            roles=FIELD,
            label="撤回推荐",
            requires={COMMENT},
        ),
        Transition(
            LoanStatus.RECOMMENDED,
            sources=[LoanStatus.WITHDRAWN],
            roles=BUREAU,
            label="重新推荐",
            requires={COMMENT},
        ),
    ],
    stamps="status_changed_on",
    note_field="note",
    not_before="recommended_on",
)

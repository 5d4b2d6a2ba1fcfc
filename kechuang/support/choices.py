"""Choices of the support app and the disbursement workflow (who may take which move)."""

from django.db import models

from kechuang.core.choices import BUREAU_ROLES, Role
from kechuang.core.workflow import COMMENT, DATE, Transition, Workflow


class DisbursementStatus(models.TextChoices):
    APPLIED = "applied", "已申请"
    REVIEWED = "reviewed", "已审核"
    APPROVED = "approved", "已批准"
    PAID = "paid", "已兑现"
    REJECTED = "rejected", "不予兑现"


# A rejected application does not count: the firm may apply again for the clause and year.
OPEN_STATES = (
    DisbursementStatus.APPLIED,
    DisbursementStatus.REVIEWED,
    DisbursementStatus.APPROVED,
    DisbursementStatus.PAID,
)

ATTACHMENT_KINDS = ("申请材料", "证明材料", "拨付凭证", "其他")

# Who moves disbursements:
# - a township liaison reviews its township's applications (or turns them down);
# - approval, payment and refusal at any stage before payment are the bureau's.
BUREAU = frozenset(BUREAU_ROLES)
FIELD = frozenset({*BUREAU_ROLES, Role.LIAISON})

DISBURSEMENT_WORKFLOW = Workflow(
    states=DisbursementStatus,
    name="兑现状态",
    transitions=[
        Transition(
            DisbursementStatus.REVIEWED,
            sources=[DisbursementStatus.APPLIED],
            roles=FIELD,
            label="审核通过",
            stamps="reviewed_on",
        ),
        Transition(
            DisbursementStatus.APPROVED,
            sources=[DisbursementStatus.REVIEWED],
            roles=BUREAU,
            label="批准",
            stamps="approved_on",
        ),
        Transition(
            DisbursementStatus.PAID,
            sources=[DisbursementStatus.APPROVED],
            roles=BUREAU,
            label="登记兑现",
            requires={DATE},
            stamps="paid_on",
        ),
        Transition(
            DisbursementStatus.REJECTED,
            sources=[DisbursementStatus.APPLIED],
            roles=FIELD,
            label="不予兑现",
            requires={COMMENT},
            stamps="rejected_on",
        ),
        Transition(
            DisbursementStatus.REJECTED,
            sources=[DisbursementStatus.REVIEWED, DisbursementStatus.APPROVED],
            roles=BUREAU,
            label="不予兑现",
            requires={COMMENT},
            stamps="rejected_on",
        ),
    ],
    stamps="status_changed_on",
    note_field="note",
    not_before="applied_on",
)

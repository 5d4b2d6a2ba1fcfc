"""Loan recommendations of the cast for the tests: enterprise A (township A) unless told
otherwise."""

import datetime
from decimal import Decimal

from kechuang.loans.choices import LoanStatus
from kechuang.loans.models import LoanRecommendation

D = datetime.date


def make_loan(case, *, firm=None, status=LoanStatus.RECOMMENDED, **fields) -> LoanRecommendation:
    """A recommendation saved directly in `status` (granted ones with their date)."""
    values = {
        "enterprise": firm or case.ent_a,
        "bank": "青田农商银行",
        "amount_recommended": Decimal(4_000_000),
        "amount_granted": Decimal(3_000_000),
        "recommended_on": D(2023, 3, 1),
        "status": status,
    }
    if status == LoanStatus.GRANTED:
        values["granted_on"] = D(2023, 4, 1)
    values.update(fields)
    loan = LoanRecommendation(**values)
    loan.full_clean()
    loan.save()
    return loan

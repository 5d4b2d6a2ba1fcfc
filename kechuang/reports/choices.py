from django.db import models


class ReportKind(models.TextChoices):
    HALF_YEAR = "half-year", "半年工作总结"
    ANNUAL = "annual", "年度工作总结"
    MONTHLY = "monthly", "月度工作简报"


# Months back to the previous report of the same kind (the one whose text the next starts from).
STEP_MONTHS = {ReportKind.HALF_YEAR: 6, ReportKind.ANNUAL: 12, ReportKind.MONTHLY: 1}

"""Work plan records of the cast: the county's 2023 annual plan and its tasks."""

import datetime

from kechuang.workplan import services
from kechuang.workplan.models import Plan

D = datetime.date
YEAR_END = D(2023, 12, 31)


def plan_of(case, **fields) -> Plan:
    values = {
        "region": case.county,
        "name": "2023年工作计划",
        "kind": "annual",
        "start_year": 2023,
        "end_year": 2023,
    }
    values.update(fields)
    return services.plan_save(case.staff, **values)


def task_of(case, plan, title="任务", deadline=YEAR_END, **fields):
    return services.task_save(case.staff, plan=plan, title=title, deadline=deadline, **fields)

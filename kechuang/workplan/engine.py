"""Pure rules of work plans: back-scheduling milestones from a deadline (倒排) and the status
of a task derived from its dates and progress. No Django imports.

Back-scheduling: a milestone either has a fixed date or is `weeks` weeks before another
milestone of the same task (or, with no such milestone, before the task's deadline). Dates
are resolved along these chains, so moving the deadline moves every milestone hanging from it;
a fixed date never moves. A chain that comes back to itself is refused.

Status (one rule, applied to a task on a day `today`):
1. done (已完成): progress is 100%;
2. late (已逾期): the deadline is before today, or an open milestone's date is before today
   (a deadline or milestone due today is not late yet);
3. not started (未开始): no progress yet and today is before the task's start;
4. at risk (有风险): progress trails the time elapsed by more than AT_RISK_GAP points:
   expected = (today − start) / (deadline − start) × 100, at risk when expected − progress
   > 20 (exactly 20 is on track);
5. on track (正常推进): everything else.
A parent task's progress is the mean of its children's; its status is done when every child
is done, otherwise the worst of its own rule (on that mean) and its children's statuses
(late > at risk > on track); not started only when it and all its children are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

AT_RISK_GAP = Decimal(20)
DUE_SOON_DAYS = 30
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

NOT_STARTED = "not_started"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
LATE = "late"
DONE = "done"
# Worse last: a parent shows the worst of its children.
SEVERITY = {DONE: 0, NOT_STARTED: 1, ON_TRACK: 2, AT_RISK: 3, LATE: 4}


class ScheduleError(ValueError):
    """A milestone chain that cannot be resolved; `key` is the milestone, the message Chinese."""

    def __init__(self, key, message: str):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class MilestoneRule:
    """How one milestone's date is set: `fixed`, or `weeks` before milestone `before`
    (None: before the task's deadline)."""

    key: object
    name: str
    fixed: datetime.date | None = None
    weeks: int | None = None
    before: object = None


def schedule(deadline: datetime.date, rules: Iterable[MilestoneRule]) -> dict:
    """{key: due date} of every milestone. Raises ScheduleError for a cycle, a link to a
    milestone not of this task, or a rule with neither a date nor a number of weeks."""
    by_key = {rule.key: rule for rule in rules}
    dates: dict = {}

    def resolve(rule: MilestoneRule, path: list) -> datetime.date:
        if rule.key in dates:
            return dates[rule.key]
        if rule.fixed is not None:
            dates[rule.key] = rule.fixed
            return rule.fixed
        if rule.weeks is None:
            raise ScheduleError(rule.key, f"节点“{rule.name}”须填写日期或提前周数")
        if rule.key in path:
            names = "→".join(by_key[k].name for k in [*path[path.index(rule.key) :], rule.key])
            raise ScheduleError(rule.key, f"节点的先后关系形成循环：{names}")
        if rule.before is None:
            anchor = deadline
        elif rule.before not in by_key:
            raise ScheduleError(rule.key, f"节点“{rule.name}”只能排在本任务的节点之前")
        else:
            anchor = resolve(by_key[rule.before], [*path, rule.key])
        dates[rule.key] = anchor - datetime.timedelta(weeks=rule.weeks)
        return dates[rule.key]

    for rule in by_key.values():
        resolve(rule, [])
    return dates


def expected_progress(start: datetime.date, deadline: datetime.date, today: datetime.date):
    """The share of the task's time elapsed on `today`, in percent (0 to 100)."""
    if today <= start:
        return Decimal(0)
    if today >= deadline or deadline <= start:
        return HUNDRED
    return (Decimal((today - start).days) * HUNDRED / Decimal((deadline - start).days)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def status(
    *,
    today: datetime.date,
    start: datetime.date,
    deadline: datetime.date,
    progress: Decimal,
    open_milestones: Iterable[datetime.date] = (),
) -> str:
    """The status of a task (see the module docstring)."""
    if progress >= HUNDRED:
        return DONE
    if deadline < today or any(due < today for due in open_milestones):
        return LATE
    if progress <= 0 and today < start:
        return NOT_STARTED
    if expected_progress(start, deadline, today) - progress > AT_RISK_GAP:
        return AT_RISK
    return ON_TRACK


def mean_progress(children: Iterable[Decimal]) -> Decimal:
    """A parent's progress: the plain mean of its children's, two decimals."""
    values = list(children)
    if not values:
        return Decimal(0)
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def rollup(own: str, children: Iterable[str]) -> str:
    """A parent's status from its own rule's result and its children's statuses."""
    kids = list(children)
    if not kids:
        return own
    if all(k == DONE for k in kids):
        return DONE
    worst = max([own, *kids], key=SEVERITY.__getitem__)
    if worst in (NOT_STARTED, DONE):
        return NOT_STARTED if all(s == NOT_STARTED for s in [own, *kids]) else ON_TRACK
    return worst


def due_soon(status_: str, next_due: datetime.date | None, today: datetime.date) -> bool:
    """Open, not late, and its next date (milestone or deadline) within DUE_SOON_DAYS days."""
    if status_ in (DONE, LATE) or next_due is None:
        return False
    return today <= next_due <= today + datetime.timedelta(days=DUE_SOON_DAYS)

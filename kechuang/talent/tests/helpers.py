"""Talent records of the cast for the tests: the 绿谷精英 program of the county, projects
hosted by enterprise A (township A) unless told otherwise."""

import datetime

from kechuang.talent.choices import STAGE_DATES, ApplicantKind, EvaluationResult, ProjectKind, Stage
from kechuang.talent.models import TalentProgram, TalentProject

DAY = datetime.date(2023, 5, 4)
RULES = "lishui-green-valley-2023"
ORDER = [Stage.CONTACT, Stage.INTENT, Stage.SIGNED, Stage.LANDED, Stage.EVALUATED]
_serial = iter(range(1, 10_000))


def program_of(case) -> TalentProgram:
    program, _ = TalentProgram.objects.get_or_create(
        name="绿谷精英",
        defaults={"issuer": "中共丽水市委", "rules": RULES, "region": case.county},
    )
    return program


def make_project(case, *, host=None, status=Stage.CONTACT, **fields) -> TalentProject:
    """A project saved directly in `status`, the dates of the stages before it filled."""
    values = {
        "program": program_of(case),
        "talent_class": "C",
        "kind": ProjectKind.ENTREPRENEURSHIP,
        "applicant_kind": ApplicantKind.TEAM,
        "applicant": f"测试团队{next(_serial)}",
        "title": "新材料产业化项目",
        "host_enterprise": host or case.ent_a,
        "status": status,
        "contacted_on": datetime.date(2023, 1, 10),
        "evaluation_result": EvaluationResult.PASS if status == Stage.LANDED else "",
    }
    if status in ORDER:
        for n, stage in enumerate(ORDER[1 : ORDER.index(status) + 1], start=2):
            values[STAGE_DATES[stage]] = datetime.date(2023, n, 1)
    if status == Stage.EVALUATED:
        values["evaluation_result"] = EvaluationResult.PASS
    if status == Stage.DROPPED:
        values["dropped_on"] = datetime.date(2023, 2, 1)
    values.update(fields)
    project = TalentProject(**values)
    project.full_clean()
    project.save()
    return project

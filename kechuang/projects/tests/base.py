"""The cast plus a provincial program with its 2023 call, and a way to make projects of
enterprise A (joint with the cast's institution) in any state."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from unittest import mock

from kechuang.core.tests.cast import CastTestCase
from kechuang.projects import services
from kechuang.projects.choices import ProgramKind, ProgramLevel, ProjectStatus
from kechuang.projects.models import Output, Project

D = datetime.date
WAN = Decimal(10_000)
_serial = itertools.count(1)


class ProjectsTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.program = services.program_save(
            actor=cls.staff,
            name="省“尖兵”研发攻关计划",
            kind=ProgramKind.JIANBING,
            level=ProgramLevel.PROVINCIAL,
            issuer="浙江省科学技术厅",
            region=cls.county,
            funding_rule="zj-rnd-2023",
        )
        cls.call = services.call_save(
            actor=cls.staff,
            program=cls.program,
            year=2023,
            title="2023年度省尖兵领雁研发攻关需求征集",
            opens_on=D(2023, 3, 1),
            closes_on=D(2023, 6, 30),
        )

    def allow_attachments(self) -> None:
        """Attachments are another app's (core/attachments.py): every record has them."""
        patcher = mock.patch("kechuang.core.workflow.has_attachment", return_value=True)
        patcher.start()
        self.addCleanup(patcher.stop)

    def make_project(self, status=ProjectStatus.COLLECTED, **fields) -> Project:
        """A project of township A led by enterprise A with the cast's institution, funded
        80 : 20 (own : government), with an output, stored directly in `status`."""
        values = {
            "title": f"高品质不锈钢精密管材开发{next(_serial)}",
            "program": self.program,
            "call": self.call,
            "year": 2023,
            "lead_enterprise": self.ent_a,
            "lead_institution": self.institution,
            "region": self.township_a,
            "status": status,
            "government_funds": 20 * WAN,
            "own_funds": 80 * WAN,
            "collected_on": D(2023, 3, 10),
        }
        values.update(fields)
        project = Project.objects.create(**values)
        Output.objects.create(project=project, kind="patent", count=2)
        return project

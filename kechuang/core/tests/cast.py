"""The cast every app's tests share, built once per test class through the services.

Regions come from the migration: 丽水市 (city 331100) ⊃ 青田县 (county 331121) ⊃
鹤城街道 (township A, 331121001) and 温溪镇 (township B, 331121101).

Who may see what (firms = enterprises, insts = institutions):

    admin         superuser          sees and changes everything
    staff         staff, 青田县      every firm and inst of the county; changes them
    leader        leader, 青田县     the same as staff
    liaison_a     liaison, A         firms of township A only (enterprise A); changes them
    liaison_b     liaison, B         firms of township B only (enterprise B); changes them
    ent_user_a    enterprise, A      its own firm only; edits its profile, not its standing
    inst_user     institute, 青田县  its own institution only, no firm; edits it
    commissioner  commissioner, A    firms of township A, contacts masked; changes nothing
    viewer        viewer, 丽水市     every record of the city, contacts masked; changes nothing

Enterprise A (鹤城街道) and enterprise B (温溪镇) have contacts; institution and
institution_2 are both registered with 青田县; inst_user is bound to institution.
"""

from __future__ import annotations

import io

from django.test import TestCase
from openpyxl import Workbook

from kechuang.core.choices import Role
from kechuang.core.models import Region
from kechuang.core.services import user_create
from kechuang.core.validators import uscc_check_char
from kechuang.enterprises.services import enterprise_create
from kechuang.institutions.choices import InstitutionKind
from kechuang.institutions.services import institution_create

PASSWORD = "Qingtian-kechuang-2023"


def credit_code(seq: int, region: str = "331121") -> str:
    """A valid unified social credit code (GB 32100-2015) numbered `seq`."""
    first17 = f"91{region}MA{seq:07d}"
    return first17 + uscc_check_char(first17)


def xlsx(header: list[str], rows: list[list]) -> bytes:
    """An Excel file whose first sheet holds `header` and `rows`."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class CastTestCase(TestCase):
    """Base test case holding the cast described in the module docstring."""

    @classmethod
    def setUpTestData(cls):
        cls.city = Region.objects.get(code="331100")
        cls.county = Region.objects.get(code="331121")
        cls.township_a = Region.objects.get(code="331121001")
        cls.township_b = Region.objects.get(code="331121101")

        cls.admin = user_create(
            actor=None,
            username="admin",
            password=PASSWORD,
            is_superuser=True,
            is_staff=True,
            full_name="系统管理员",
        )
        cls.staff = cls.make_user("staff", Role.STAFF, cls.county, full_name="王科员")
        cls.leader = cls.make_user("leader", Role.LEADER, cls.county, full_name="李局长")
        cls.liaison_a = cls.make_user("liaison_a", Role.LIAISON, cls.township_a)
        cls.liaison_b = cls.make_user("liaison_b", Role.LIAISON, cls.township_b)
        cls.commissioner = cls.make_user("commissioner", Role.COMMISSIONER, cls.township_a)
        cls.viewer = cls.make_user("viewer", Role.VIEWER, cls.city)

        cls.ent_a = enterprise_create(
            actor=cls.admin,
            credit_code=credit_code(1),
            name="青田甲阀门有限公司",
            township=cls.township_a,
            industry_division="34",
            above_scale=True,
            rnd_active=True,
            founded_on="2015-03-01",
            contact_person="张三丰",
            contact_phone="13800001111",
        )
        cls.ent_b = enterprise_create(
            actor=cls.admin,
            credit_code=credit_code(2),
            name="温溪乙鞋业有限公司",
            township=cls.township_b,
            industry_division="19",
            above_scale=False,
            contact_person="李四海",
            contact_phone="13900002222",
        )
        cls.ent_user_a = cls.make_user(
            "ent_user_a", Role.ENTERPRISE, cls.township_a, enterprise=cls.ent_a
        )

        cls.institution = institution_create(
            actor=cls.admin,
            name="浙江理工大学青田研究院",
            kind=InstitutionKind.NEW_RND_INSTITUTE,
            region=cls.county,
            location="青田县",
            contact_person="赵教授",
            contact_phone="13700003333",
        )
        cls.institution_2 = institution_create(
            actor=cls.admin,
            name="丽水学院",
            kind=InstitutionKind.UNIVERSITY,
            region=cls.county,
            location="丽水市",
            contact_person="钱老师",
            contact_phone="13600004444",
        )
        cls.inst_user = cls.make_user(
            "inst_user", Role.INSTITUTE, cls.county, institution=cls.institution
        )

    @classmethod
    def make_user(cls, username: str, role: str, region: Region, **fields):
        return user_create(
            actor=cls.admin,
            username=username,
            password=PASSWORD,
            role=role,
            region=region,
            **fields,
        )

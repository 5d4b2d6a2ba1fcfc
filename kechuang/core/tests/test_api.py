"""The API's shared pieces: the scoped related field refuses another county's records on
every serializer, imports run over the API like the CLI, and the schema is complete."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from kechuang.core.choices import RegionLevel, Role
from kechuang.core.models import AuditEvent, Region
from kechuang.core.tests.cast import CastTestCase, credit_code, xlsx
from kechuang.enterprises.services import enterprise_create
from kechuang.institutions.choices import InstitutionKind
from kechuang.institutions.models import Institution
from kechuang.institutions.services import institution_create
from kechuang.transfer import chains, services
from kechuang.transfer.choices import ChainStage, Maturity
from kechuang.transfer.models import Achievement, Demand, Match, TechContract

DAY = datetime.date(2023, 3, 1)


class ApiTestCase(CastTestCase):
    """The cast plus a second county (莲都区) with its own staff, firm, institute, chain,
    demand, achievement, match and event: records no user of 青田县 may use."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other_county = Region.objects.get(code="331102")
        cls.other_township = Region.objects.create(
            code="331102001",
            name="紫金街道",
            level=RegionLevel.TOWNSHIP,
            parent=cls.other_county,
        )
        cls.other_staff = cls.make_user("other_staff", Role.STAFF, cls.other_county)
        cls.other_ent = enterprise_create(
            actor=cls.admin,
            credit_code=credit_code(9001, "331102"),
            name="莲都丙机械有限公司",
            township=cls.other_township,
            industry_division="34",
        )
        cls.other_inst = institution_create(
            actor=cls.admin,
            name="莲都研究院",
            kind=InstitutionKind.NEW_RND_INSTITUTE,
            region=cls.other_county,
            location="莲都区",
        )
        cls.other_chain = chains.chain_save(
            actor=cls.admin, code="liandu-machine", name="莲都机械", region=cls.other_county
        )
        cls.other_node = chains.chain_node_save(
            actor=cls.admin, chain=cls.other_chain, name="铸件", stage=ChainStage.UPSTREAM
        )
        cls.other_demand = services.demand_save(
            actor=cls.admin,
            code="XQ-LD-1",
            title="莲都需求",
            description="铸件缺陷检测",
            enterprise=cls.other_ent,
        )
        cls.other_achievement = services.achievement_save(
            actor=cls.admin,
            code="CG-LD-1",
            title="莲都成果",
            abstract="缺陷检测",
            owner_institution=cls.other_inst,
            region=cls.other_county,
            maturity=Maturity.PILOT,
            published=False,  # a draft: only its owner and that county's bureau read it
        )
        cls.other_match = Match.objects.create(
            demand=cls.other_demand,
            achievement=cls.other_achievement,
            recommended_on=DAY,
            accepted_by=cls.admin,
        )
        cls.other_event = chains.event_save(
            actor=cls.admin,
            title="莲都对接会",
            held_on=DAY,
            place="莲都",
            region=cls.other_county,
        )

    def call(self, user, method: str, url: str, body=None, **params):
        self.client.force_login(user)
        if method == "get":
            return self.client.get(url, params)
        return getattr(self.client, method)(url, body or {}, content_type="application/json")

    def ids(self, user, url: str, **params) -> set[int]:
        response = self.call(user, "get", url, **params)
        self.assertEqual(response.status_code, 200, response.content)
        return {row["id"] for row in response.json()["results"]}

    def list_queries(self, user, url: str, **params) -> int:
        self.client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200, response.content)
        return len(queries)

    def assert_list_queries_constant(self, user, url: str, add_rows) -> None:
        """The list costs as many queries with more rows as with fewer: no N+1."""
        before = self.list_queries(user, url)
        count = self.call(user, "get", url).json()["count"]
        add_rows()
        self.assertGreater(self.call(user, "get", url).json()["count"], count)
        self.assertEqual(self.list_queries(user, url), before)

    def audited_by(self, record, user) -> bool:
        """Whether the record's latest history row names the user."""
        return record.history.latest().history_user_id == user.pk


class ScopedRelatedFieldTest(ApiTestCase):
    """Another county's record given as a related id is refused like a missing one."""

    def assert_refused(self, user, url, body, field, model):
        before = (model.objects.count(), AuditEvent.objects.count())
        response = self.call(user, "post", url, body)
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn(field, response.json())
        self.assertIn("不存在或无权使用", response.json()[field][0])
        self.assertEqual((model.objects.count(), AuditEvent.objects.count()), before)

    def contract(self, **links):
        return {
            "number": "HT-X-1",
            "title": "越界合同",
            "kind": "development",
            "buyer_name": "甲",
            "seller_name": "乙",
            "amount": "100000",
            "turnover": "100000",
            "registered_on": "2023-05-01",
            "direction": "absorption",
            "region": "331121",
            **links,
        }

    def test_a_contract_refuses_every_link_to_another_county(self):
        links = {
            "region": self.other_county.code,
            "buyer_enterprise": self.other_ent.pk,
            "seller_institution": self.other_inst.pk,
            "seller_enterprise": self.other_ent.pk,
            "demand": self.other_demand.pk,
            "achievement": self.other_achievement.pk,
            "match": self.other_match.pk,
            "event": self.other_event.pk,
        }
        for field, value in links.items():
            with self.subTest(field=field):
                self.assert_refused(
                    self.staff,
                    "/api/contracts/",
                    self.contract(**{field: value}),
                    field,
                    TechContract,
                )
        self.other_match.refresh_from_db()
        self.assertEqual(self.other_match.status, "recommended")

    def test_a_contract_within_the_county_is_accepted(self):
        body = self.contract(buyer_enterprise=self.ent_a.pk, seller_institution=self.institution.pk)
        response = self.call(self.staff, "post", "/api/contracts/", body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertTrue(self.audited_by(TechContract.objects.get(number="HT-X-1"), self.staff))

    def test_a_demand_refuses_another_countys_firm_chain_and_node(self):
        body = {
            "code": "XQ-X",
            "title": "t",
            "description": "d",
            "enterprise": self.ent_a.credit_code,
        }
        for field, value in (
            ("enterprise", self.other_ent.credit_code),
            ("chain", self.other_chain.pk),
            ("node", self.other_node.pk),
        ):
            with self.subTest(field=field):
                self.assert_refused(
                    self.staff, "/api/demands/", {**body, field: value}, field, Demand
                )

    def test_an_achievement_refuses_another_countys_owner_and_region(self):
        body = {"code": "CG-X", "title": "t", "abstract": "a", "owner_institution": None}
        for field, value in (
            ("owner_institution", self.other_inst.pk),
            ("owner_enterprise", self.other_ent.pk),
            ("region", self.other_county.code),
            ("chain", self.other_chain.pk),
        ):
            with self.subTest(field=field):
                self.assert_refused(
                    self.staff, "/api/achievements/", {**body, field: value}, field, Achievement
                )

    def test_an_institution_refuses_another_countys_region(self):
        body = {"name": "越界院所", "kind": InstitutionKind.UNIVERSITY, "region": "331102"}
        self.assert_refused(self.staff, "/api/institutions/", body, "region", Institution)

    def test_a_firm_user_may_only_name_its_own_firm(self):
        body = {"code": "XQ-Y", "title": "t", "description": "d"}
        self.assert_refused(
            self.ent_user_a,
            "/api/demands/",
            {**body, "enterprise": self.ent_b.credit_code},
            "enterprise",
            Demand,
        )

    def test_a_missing_id_gives_the_same_answer(self):
        body = self.contract(buyer_enterprise=999999)
        self.assert_refused(self.staff, "/api/contracts/", body, "buyer_enterprise", TechContract)


class ImportApiTest(ApiTestCase):
    URL = "/api/imports/institutions/"
    HEADER = ["名称", "类型", "登记区域"]

    def upload(self, user, rows, dry_run: bool):
        self.client.force_login(user)
        content = xlsx(self.HEADER, rows)
        file = io.BytesIO(content)
        file.name = "院所.xlsx"
        return self.client.post(self.URL, {"file": file, "dry_run": "true" if dry_run else "false"})

    def test_a_dry_run_writes_nothing_and_a_confirmed_import_writes(self):
        rows = [["接口导入研究院", "新型研发机构", "331121"]]
        response = self.upload(self.staff, rows, dry_run=True)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["kind"], "institutions")
        self.assertFalse(body["committed"])
        self.assertEqual(body["summary"]["新增"], 1)
        self.assertFalse(Institution.objects.filter(name="接口导入研究院").exists())
        response = self.upload(self.staff, rows, dry_run=False)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertTrue(response.json()["committed"])
        self.assertTrue(Institution.objects.filter(name="接口导入研究院").exists())

    def test_bad_rows_give_400_with_every_row_and_write_nothing(self):
        rows = [["好院所", "新型研发机构", "331121"], ["坏院所", "不存在的类型", "331121"]]
        response = self.upload(self.staff, rows, dry_run=False)
        self.assertEqual(response.status_code, 400)
        errors = response.json()["errors"]
        self.assertEqual([e["row"] for e in errors], [3])
        self.assertFalse(Institution.objects.filter(name="好院所").exists())

    def test_a_file_over_the_size_cap_is_refused_before_it_is_read(self):
        from django.test import override_settings

        with override_settings(UPLOAD_MAX_MB=0):
            response = self.upload(self.staff, [["大文件院所", "新型研发机构", "331121"]], True)
        self.assertEqual(response.status_code, 400)
        self.assertIn("超过上限 0 MB", response.json()["errors"][0]["message"])
        self.assertFalse(Institution.objects.filter(name="大文件院所").exists())

    def test_roles_that_may_not_import_are_refused(self):
        for user in (self.liaison_a, self.ent_user_a, self.viewer):
            with self.subTest(user=user.username):
                response = self.upload(user, [["x", "新型研发机构", "331121"]], dry_run=True)
                self.assertEqual(response.status_code, 403)

    def test_an_unknown_kind_is_404_and_a_missing_file_400(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.post("/api/imports/nothing/", {}).status_code, 404)
        response = self.client.post(self.URL, {"dry_run": "true"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"][0]["column"], "file")


class SchemaTest(TestCase):
    def test_the_schema_generates_without_warnings(self):
        out = io.StringIO()
        call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=out)
        schema = out.getvalue()
        self.assertIn("/api/pool-entries/{id}/transition/", schema)

    def test_every_operation_documents_its_error_answers(self):
        import yaml

        out = io.StringIO()
        call_command("spectacular", stdout=out)
        paths = yaml.safe_load(out.getvalue())["paths"]
        for path, operations in paths.items():
            for method, operation in operations.items():
                if method == "parameters":
                    continue
                codes = set(operation["responses"])
                with self.subTest(path=path, method=method):
                    self.assertLessEqual({"400", "403", "404", "429"}, codes)

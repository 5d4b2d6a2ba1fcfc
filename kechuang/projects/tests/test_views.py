"""The pages and the API: list filters and export, the record page, forms, moves."""

import io

from django.test import override_settings
from python_calamine import CalamineWorkbook

from kechuang.projects.choices import ProjectStatus
from kechuang.projects.models import Milestone, Output, Project
from kechuang.projects.tests.base import WAN, D, ProjectsTestCase


@override_settings(KECHUANG_TODAY="2023-05-04")
class ProjectPagesTest(ProjectsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.a = cls.make_project(cls, ProjectStatus.DRAFTED, title="阀门密封面激光熔覆")
        cls.b = cls.make_project(
            cls,
            ProjectStatus.APPROVED,
            title="女鞋鞋底轻量化材料",
            lead_enterprise=cls.ent_b,
            lead_institution=None,
            region=cls.township_b,
        )

    @staticmethod
    def sheet(response) -> list[list]:
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        return book.get_sheet_by_index(0).to_python()

    def test_the_list_filters_by_status_township_and_search_and_exports_the_same(self):
        self.client.force_login(self.staff)
        page = self.client.get("/projects/", {"status": "approved"})
        self.assertContains(page, "女鞋鞋底轻量化材料")
        self.assertNotContains(page, "阀门密封面激光熔覆")
        page = self.client.get("/projects/", {"township": self.township_a.pk, "q": "熔覆"})
        self.assertEqual([p.pk for p in page.context["page"].object_list], [self.a.pk])
        rows = self.sheet(self.client.get("/projects/", {"status": "approved", "format": "xlsx"}))
        self.assertEqual(rows[0][:2], ["项目编号", "项目名称"])
        self.assertEqual([r[1] for r in rows[1:]], ["女鞋鞋底轻量化材料"])
        self.assertEqual(rows[1][10:12], [20.0, 80.0])

    def test_a_firm_user_lists_and_exports_its_own_projects_only(self):
        self.client.force_login(self.ent_user_a)
        page = self.client.get("/projects/")
        self.assertContains(page, "阀门密封面激光熔覆")
        self.assertNotContains(page, "女鞋鞋底轻量化材料")
        self.assertEqual(
            [r[1] for r in self.sheet(self.client.get("/projects/?format=xlsx"))[1:]],
            ["阀门密封面激光熔覆"],
        )
        self.assertEqual(self.client.get(f"/projects/{self.b.pk}/").status_code, 404)

    def test_the_record_page_shows_the_funding_check_and_the_firms_moves(self):
        self.client.force_login(self.ent_user_a)
        page = self.client.get(f"/projects/{self.a.pk}/")
        self.assertContains(page, "自筹资金占80.00%，符合山区26县不低于60.00%的要求")
        self.assertContains(page, 'name="status" value="submitted"')
        self.assertNotContains(page, 'name="status" value="recommended"')
        self.client.force_login(self.viewer)
        page = self.client.get(f"/projects/{self.a.pk}/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="status"')

    def test_submitting_through_the_page(self):
        self.client.force_login(self.ent_user_a)
        response = self.client.post(
            f"/projects/{self.a.pk}/status/", {"status": "submitted", "comment": "按时提交"}
        )
        self.assertRedirects(response, f"/projects/{self.a.pk}/")
        self.a.refresh_from_db()
        self.assertEqual((self.a.status, self.a.submitted_on), ("submitted", D(2023, 5, 4)))
        self.assertEqual(self.a.note, "2023-05-04 已提交：按时提交")

    def test_a_refused_move_is_shown_and_changes_nothing(self):
        self.client.force_login(self.ent_user_a)
        response = self.client.post(
            f"/projects/{self.a.pk}/status/", {"status": "approved"}, follow=True
        )
        self.assertContains(response, "项目状态不能从“申报书编制中”改为“已立项”")
        self.a.refresh_from_db()
        self.assertEqual(self.a.status, ProjectStatus.DRAFTED)

    def test_creating_from_a_call_and_the_closed_call_error_on_the_form(self):
        self.client.force_login(self.ent_user_a)
        form = self.client.get(f"/projects/new/?call={self.call.pk}")
        self.assertEqual(form.context["form"].initial["program"], self.program.pk)
        data = {
            "program": self.program.pk,
            "call": self.call.pk,
            "lead_enterprise": self.ent_a.pk,
            "title": "特钢棒材在线检测",
            "government_funds": "20",
            "own_funds": "80",
        }
        response = self.client.post("/projects/new/", data)
        project = Project.objects.get(title="特钢棒材在线检测")
        self.assertRedirects(response, f"/projects/{project.pk}/")
        self.assertEqual((project.government_funds, project.own_funds), (20 * WAN, 80 * WAN))
        with override_settings(KECHUANG_TODAY="2023-07-01"):
            response = self.client.post("/projects/new/", {**data, "title": "截止后"})
        self.assertContains(response, "已截止（受理时间2023-03-01至2023-06-30）")
        self.assertFalse(Project.objects.filter(title="截止后").exists())

    def test_milestones_and_outputs_are_added_from_the_record_page(self):
        self.client.force_login(self.liaison_a)
        self.client.post(
            f"/projects/{self.a.pk}/milestones/new/", {"title": "完成中试", "due_on": "2023-09-30"}
        )
        milestone = Milestone.objects.get(project=self.a, title="完成中试")
        self.client.post(f"/projects/milestones/{milestone.pk}/done/", {"done_on": "2023-05-01"})
        milestone.refresh_from_db()
        self.assertEqual(milestone.done_on, D(2023, 5, 1))
        self.client.post(
            f"/projects/{self.a.pk}/outputs/new/", {"kind": "revenue", "amount": "1200"}
        )
        self.assertEqual(Output.objects.get(project=self.a, kind="revenue").amount, 1200 * WAN)
        self.client.force_login(self.liaison_b)
        response = self.client.post(
            f"/projects/{self.a.pk}/milestones/new/", {"title": "越权", "due_on": "2023-09-30"}
        )
        self.assertEqual(response.status_code, 404)


class ProgramPagesTest(ProjectsTestCase):
    @override_settings(KECHUANG_TODAY="2023-05-04")
    def test_every_user_reads_the_open_calls_staff_manage_them(self):
        self.client.force_login(self.inst_user)
        page = self.client.get("/projects/programs/")
        self.assertContains(page, self.call.title)
        self.assertNotContains(page, "登记科技计划")
        self.client.force_login(self.staff)
        response = self.client.post(
            f"/projects/programs/{self.program.pk}/calls/new/",
            {
                "year": 2024,
                "title": "2024年度省尖兵领雁需求征集",
                "opens_on": "2024-03-01",
                "closes_on": "2024-02-01",
            },
        )
        self.assertContains(response, "截止日期不能早于开始日期")
        response = self.client.post(
            "/projects/programs/new/",
            {
                "name": "青田县揭榜挂帅项目",
                "kind": "jiebang",
                "level": "county",
                "issuer": "青田县科技局",
                "region": self.county.pk,
                "funding_rule": "qt-jiebang-2023",
            },
        )
        self.assertEqual(response.status_code, 302)
        page = self.client.get(response["Location"])
        self.assertContains(page, "发榜企业自筹资金占项目总经费比例不低于50%")
        self.assertContains(page, "（示例）")


class ProjectApiTest(ProjectsTestCase):
    def test_the_api_lists_what_the_user_may_see_with_milestones(self):
        project = self.make_project(ProjectStatus.CONTRACTED)
        Milestone.objects.create(project=project, title="中试", due_on=D(2023, 9, 1))
        other = self.make_project(
            lead_enterprise=self.ent_b, lead_institution=None, region=self.township_b
        )
        self.client.force_login(self.ent_user_a)
        rows = self.client.get("/api/projects/").json()["results"]
        self.assertEqual([r["id"] for r in rows], [project.pk])
        self.assertEqual(rows[0]["milestones"][0]["title"], "中试")
        self.assertEqual(rows[0]["level"], "provincial")
        self.assertEqual(self.client.get(f"/api/projects/{other.pk}/").status_code, 404)
        self.assertEqual(self.client.get("/api/programs/").json()["count"], 1)
        self.assertEqual(self.client.get(f"/api/calls/{self.call.pk}/").json()["year"], 2023)
        self.assertEqual(self.client.post("/api/projects/", {}).status_code, 405)

    def test_the_api_takes_the_lists_filters(self):
        self.make_project(ProjectStatus.CONTRACTED)
        self.client.force_login(self.staff)
        data = self.client.get("/api/projects/?region=331121&period=2023-06&kind=jianbing").json()
        self.assertEqual(data["count"], 1)
        self.assertEqual(self.client.get("/api/projects/?period=2022-06").json()["count"], 0)

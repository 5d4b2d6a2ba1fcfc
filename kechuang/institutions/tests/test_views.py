"""Institution pages: list, record page, create and edit, with scoping."""

from kechuang.core.models import AuditEvent
from kechuang.core.tests.cast import CastTestCase, credit_code
from kechuang.institutions.models import Institution


def form_data(institution: Institution | None = None, **overrides) -> dict:
    data = {
        "name": "",
        "short_name": "",
        "kind": "research_institute",
        "credit_code": "",
        "region": "",
        "location": "",
        "address": "",
        "contact_person": "",
        "contact_phone": "",
        "website": "",
        "description": "",
    }
    if institution is not None:
        data.update(
            {name: getattr(institution, name) for name in data if name != "region"},
            region=institution.region_id,
        )
    data.update(overrides)
    return data


class InstitutionListTest(CastTestCase):
    def names(self, user, **params) -> list[str]:
        self.client.force_login(user)
        response = self.client.get("/institutions/", params)
        self.assertEqual(response.status_code, 200)
        return [i.name for i in response.context["page"].object_list]

    def test_staff_list_every_institution_of_the_county(self):
        self.assertEqual(self.names(self.staff), ["丽水学院", "浙江理工大学青田研究院"])

    def test_it_searches_and_filters_by_kind(self):
        self.assertEqual(self.names(self.staff, q="理工"), ["浙江理工大学青田研究院"])
        self.assertEqual(self.names(self.staff, kind="university"), ["丽水学院"])

    def test_an_institute_user_lists_only_own_institution(self):
        self.assertEqual(self.names(self.inst_user), ["浙江理工大学青田研究院"])

    def test_an_enterprise_user_lists_no_institution(self):
        self.assertEqual(self.names(self.ent_user_a), [])

    def test_an_htmx_request_gets_only_the_table(self):
        self.client.force_login(self.staff)
        response = self.client.get("/institutions/", headers={"HX-Request": "true"})
        self.assertTemplateUsed(response, "institutions/_institution_table.html")
        self.assertNotContains(response, "<html")


class InstitutionDetailTest(CastTestCase):
    def get(self, user, institution, suffix=""):
        self.client.force_login(user)
        return self.client.get(f"/institutions/{institution.pk}/{suffix}")

    def test_staff_see_the_record_page_with_contacts(self):
        response = self.get(self.staff, self.institution)
        self.assertContains(response, "浙江理工大学青田研究院")
        self.assertContains(response, "13700003333")

    def test_an_institute_user_sees_own_contacts(self):
        self.assertContains(self.get(self.inst_user, self.institution), "13700003333")

    def test_an_institute_user_gets_404_on_the_other_institution(self):
        self.assertEqual(self.get(self.inst_user, self.institution_2).status_code, 404)
        self.assertEqual(self.get(self.inst_user, self.institution_2, "edit/").status_code, 404)

    def test_contacts_are_masked_for_the_viewer(self):
        response = self.get(self.viewer, self.institution)
        self.assertNotContains(response, "13700003333")
        self.assertContains(response, "137****3333")
        self.assertEqual(self.get(self.viewer, self.institution, "edit/").status_code, 403)


class InstitutionWriteTest(CastTestCase):
    def test_staff_register_an_institution(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            "/institutions/new/",
            form_data(
                name="青田县农业科学研究所", region=self.county.pk, credit_code=credit_code(700)
            ),
        )
        created = Institution.objects.get(name="青田县农业科学研究所")
        self.assertRedirects(
            response, f"/institutions/{created.pk}/", fetch_redirect_response=False
        )
        self.assertEqual(
            AuditEvent.objects.get(
                object_id=str(created.pk), action="create", content_type__model="institution"
            ).user,
            self.staff,
        )

    def test_it_refuses_a_duplicate_name_and_bad_credit_code_in_chinese(self):
        self.client.force_login(self.staff)
        bad = credit_code(701)[:17] + ("0" if credit_code(701)[-1] != "0" else "1")
        response = self.client.post(
            "/institutions/new/", form_data(name="丽水学院", region=self.county.pk, credit_code=bad)
        )
        errors = response.context["form"].errors
        self.assertEqual(errors["name"], ["已有同名院所"])
        self.assertIn("校验位错误", errors["credit_code"][0])

    def test_staff_may_not_register_outside_their_county(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            "/institutions/new/", form_data(name="外县研究所", region=self.city.pk)
        )
        self.assertIn("region", response.context["form"].errors)
        self.assertFalse(Institution.objects.filter(name="外县研究所").exists())

    def test_only_the_bureau_registers_institutions(self):
        for user in (self.liaison_a, self.inst_user, self.viewer):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/institutions/new/").status_code, 403)

    def test_an_institute_user_edits_own_institution(self):
        self.client.force_login(self.inst_user)
        response = self.client.post(
            f"/institutions/{self.institution.pk}/edit/",
            form_data(self.institution, description="面向青田产业的新型研发机构"),
        )
        self.assertRedirects(
            response, f"/institutions/{self.institution.pk}/", fetch_redirect_response=False
        )
        self.institution.refresh_from_db()
        self.assertEqual(self.institution.description, "面向青田产业的新型研发机构")
        event = AuditEvent.objects.get(
            object_id=str(self.institution.pk), action="update", content_type__model="institution"
        )
        self.assertEqual(
            (event.user, event.after),
            (self.inst_user, {"description": "面向青田产业的新型研发机构"}),
        )

    def test_an_institute_user_cannot_move_own_institution(self):
        self.client.force_login(self.inst_user)
        self.client.post(
            f"/institutions/{self.institution.pk}/edit/",
            form_data(self.institution, region=self.city.pk),
        )
        self.institution.refresh_from_db()
        self.assertEqual(self.institution.region, self.county)

    def test_an_institute_user_cannot_edit_the_other_institution(self):
        self.client.force_login(self.inst_user)
        response = self.client.post(
            f"/institutions/{self.institution_2.pk}/edit/",
            form_data(self.institution_2, description="越权修改"),
        )
        self.assertEqual(response.status_code, 404)
        self.institution_2.refresh_from_db()
        self.assertEqual(self.institution_2.description, "")

"""REST API of the institutions: scoping, masking and writes."""

from kechuang.core.tests.cast import CastTestCase

URL = "/api/institutions/"


class InstitutionApiTest(CastTestCase):
    def get(self, user, url=URL, **params):
        self.client.force_login(user)
        return self.client.get(url, params)

    def names(self, user, **params) -> set[str]:
        return {row["name"] for row in self.get(user, **params).json()["results"]}

    def test_staff_list_every_institution(self):
        self.assertEqual(self.names(self.staff), {"丽水学院", "浙江理工大学青田研究院"})

    def test_an_institute_user_lists_and_reads_only_own_institution(self):
        self.assertEqual(self.names(self.inst_user), {"浙江理工大学青田研究院"})
        self.assertEqual(
            self.get(self.inst_user, f"{URL}{self.institution_2.pk}/").status_code, 404
        )

    def test_an_enterprise_user_lists_nothing(self):
        self.assertEqual(self.names(self.ent_user_a), set())

    def test_it_filters_like_the_list_page(self):
        self.assertEqual(self.names(self.staff, kind="university"), {"丽水学院"})
        self.assertEqual(self.names(self.staff, q="理工"), {"浙江理工大学青田研究院"})

    def test_contacts_are_masked_for_the_viewer_but_not_for_own_institute(self):
        row = self.get(self.viewer, f"{URL}{self.institution.pk}/").json()
        self.assertEqual((row["contact_person"], row["contact_phone"]), ("赵**", "137****3333"))
        row = self.get(self.inst_user, f"{URL}{self.institution.pk}/").json()
        self.assertEqual(row["contact_phone"], "13700003333")

    def test_the_list_query_count_is_pinned(self):
        self.client.force_login(self.staff)
        self.client.get(URL)
        with self.assertNumQueries(5):
            self.client.get(URL)

    def test_an_institute_user_updates_own_institution_but_not_the_other(self):
        self.client.force_login(self.inst_user)
        response = self.client.patch(
            f"{URL}{self.institution.pk}/",
            {"short_name": "浙理工青田院"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.institution.refresh_from_db()
        self.assertEqual(self.institution.short_name, "浙理工青田院")
        response = self.client.patch(
            f"{URL}{self.institution_2.pk}/", {"short_name": "x"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 404)

    def test_only_the_bureau_creates(self):
        payload = {"name": "新研究所", "kind": "research_institute", "region": "331121"}
        self.client.force_login(self.inst_user)
        self.assertEqual(
            self.client.post(URL, payload, content_type="application/json").status_code, 403
        )
        self.client.force_login(self.staff)
        response = self.client.post(URL, payload, content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)

    def test_a_viewer_may_not_update(self):
        self.client.force_login(self.viewer)
        response = self.client.patch(
            f"{URL}{self.institution.pk}/", {"short_name": "x"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)

    def test_an_institute_user_cannot_move_own_institution_to_another_region(self):
        # The edit page disables the region for an institute user; the API must refuse it too,
        # or the institution leaves the county bureau's sight.
        self.client.force_login(self.inst_user)
        response = self.client.patch(
            f"{URL}{self.institution.pk}/", {"region": "330000"}, content_type="application/json"
        )
        self.assertIn(response.status_code, (400, 403), response.content)
        self.institution.refresh_from_db()
        self.assertEqual(self.institution.region, self.county)

    def test_a_bad_website_is_a_400_naming_the_field(self):
        self.client.force_login(self.staff)
        response = self.client.patch(
            f"{URL}{self.institution.pk}/", {"website": "不是网址"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("website", response.json())
        self.institution.refresh_from_db()
        self.assertEqual(self.institution.website, "")

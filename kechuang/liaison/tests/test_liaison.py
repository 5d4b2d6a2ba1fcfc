"""Cadre liaison: links of bureau cadres to the county's townships and key firms, the table
of townships with their cadres and visits this year, the cadre's home widget, the API."""

import datetime
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kechuang.core.choices import RegionLevel
from kechuang.core.models import AuditEvent, Region
from kechuang.core.tests.cast import CastTestCase
from kechuang.enterprises.services import visit_log
from kechuang.liaison import selectors, services
from kechuang.liaison.models import CadreLink

D = datetime.date
TODAY = D(2023, 6, 30)


def _visit(actor, firm, day, agreed="走访"):
    with mock.patch("kechuang.core.clock.today", return_value=TODAY):
        return visit_log(
            actor=actor, enterprise=firm, visited_on=day, visitors="干部", agreed=agreed
        )


class CadreLinkTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.link = services.cadre_link_create(
            cls.leader,
            cadre=cls.staff,
            townships=[cls.township_a],
            firms=[cls.ent_a],
            valid_from=D(2023, 1, 1),
        )
        _visit(cls.liaison_a, cls.ent_a, D(2023, 3, 1))
        _visit(cls.staff, cls.ent_a, D(2023, 5, 20))
        _visit(cls.staff, cls.ent_a, D(2022, 11, 2))  # last year: not counted
        _visit(cls.staff, cls.ent_b, D(2023, 2, 2))

    def table(self, user):
        with mock.patch("kechuang.core.clock.today", return_value=TODAY):
            return selectors.cadre_table(user)

    def test_table_lists_townships_without_cadre_first_and_counts_this_years_visits(self):
        rows = self.table(self.staff)
        by_code = {r.township.code: r for r in rows}
        self.assertEqual(len(rows), Region.objects.filter(parent=self.county).count())
        self.assertEqual(rows[-1].township, self.township_a)  # the only one with a cadre
        self.assertTrue(all(not r.links for r in rows[:-1]))
        row_a, row_b = by_code[self.township_a.code], by_code[self.township_b.code]
        self.assertEqual((row_a.cadres, row_a.firms), ([self.staff], [self.ent_a]))
        self.assertEqual((row_a.visits, row_a.last_visit), (2, D(2023, 5, 20)))
        self.assertEqual((row_b.cadres, row_b.visits, row_b.last_visit), ([], 1, D(2023, 2, 2)))

    def test_page_flags_townships_without_cadre(self):
        self.client.force_login(self.staff)
        with mock.patch("kechuang.core.clock.today", return_value=TODAY):
            html = self.client.get(reverse("liaison:cadre_table")).content.decode()
        self.assertIn("无联系干部", html)
        self.assertIn("王科员", html)
        self.assertIn('class="table table-sm bg-white table-cards"', html)

    def test_liaison_sees_its_township_only_and_commissioner_or_firm_is_refused(self):
        rows = self.table(self.liaison_b)
        self.assertEqual(
            [(r.township, r.cadres, r.visits) for r in rows], [(self.township_b, [], 1)]
        )
        for user in (self.commissioner, self.ent_user_a, self.inst_user):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("liaison:cadre_table")).status_code, 403)

    def test_an_ended_link_leaves_the_table(self):
        services.cadre_link_end(self.staff, self.link, on=D(2023, 6, 1))
        row_a = next(r for r in self.table(self.staff) if r.township == self.township_a)
        self.assertEqual(row_a.cadres, [])
        self.assertEqual(row_a.visits, 2)  # visits stay: they are the firm's

    def test_services_refuse_townships_outside_the_county(self):
        liandu, _ = Region.objects.get_or_create(
            code="331102",
            defaults={"name": "莲都区", "level": RegionLevel.COUNTY, "parent": self.city},
        )
        other = Region.objects.create(
            code="331102001", name="紫金街道", level=RegionLevel.TOWNSHIP, parent=liandu
        )
        for townships in ([other], [self.county]):
            with self.assertRaises(ValidationError) as caught:
                services.cadre_link_create(self.staff, cadre=self.leader, townships=townships)
            self.assertIn("townships", caught.exception.error_dict)
        with self.assertRaises(ValidationError) as caught:
            services.cadre_link_update(self.staff, self.link, townships=[other])
        self.assertIn("townships", caught.exception.error_dict)
        self.assertEqual(list(self.link.townships.all()), [self.township_a])
        self.assertEqual(CadreLink.objects.count(), 1)

    def test_only_the_bureau_links_and_only_bureau_cadres(self):
        with self.assertRaises(PermissionDenied):
            services.cadre_link_create(
                self.liaison_a, cadre=self.staff, townships=[self.township_a]
            )
        with self.assertRaises(ValidationError) as caught:
            services.cadre_link_create(
                self.staff, cadre=self.liaison_a, townships=[self.township_a]
            )
        self.assertIn("cadre", caught.exception.error_dict)
        with self.assertRaises(ValidationError) as caught:
            services.cadre_link_create(self.staff, cadre=self.leader)
        self.assertIn("townships", caught.exception.error_dict)

    def test_links_are_audited(self):
        services.cadre_link_update(
            self.leader, self.link, townships=[self.township_a, self.township_b]
        )
        events = AuditEvent.objects.filter(content_type__model="cadrelink")
        self.assertTrue(events.exists())

    def test_cadres_home_widget_lists_its_townships_firms_and_visits(self):
        with mock.patch("kechuang.core.clock.today", return_value=TODAY):
            widgets = selectors.home_widgets(self.staff)
            self.assertEqual(selectors.home_widgets(self.leader), [])
        self.assertIn(self.township_a.name, widgets[0]["title"])
        self.assertEqual(widgets[0]["value"], "2 次")
        self.assertIn(self.ent_a.name, widgets[1]["title"])

    def test_page_creates_a_link_from_credit_codes(self):
        self.client.force_login(self.leader)
        response = self.client.post(
            reverse("liaison:link_create"),
            {
                "cadre": self.leader.pk,
                "townships": [self.township_b.pk],
                "firm_codes": f"{self.ent_b.credit_code}\nNOT-A-CODE",
                "valid_from": "2023-02-01",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("NOT-A-CODE", response.content.decode())
        response = self.client.post(
            reverse("liaison:link_create"),
            {
                "cadre": self.leader.pk,
                "townships": [self.township_b.pk],
                "firm_codes": self.ent_b.credit_code,
                "valid_from": "2023-02-01",
            },
        )
        link = CadreLink.objects.get(cadre=self.leader)
        self.assertRedirects(response, reverse("liaison:link_detail", args=[link.pk]))
        self.assertEqual(list(link.firms.all()), [self.ent_b])

    def test_api_is_read_only_and_scoped(self):
        self.client.force_login(self.staff)
        body = self.client.get("/api/cadre-links/").json()
        self.assertEqual([r["townships"] for r in body["results"]], [[self.township_a.code]])
        self.assertEqual(self.client.post("/api/cadre-links/", {}).status_code, 405)
        self.client.force_login(self.liaison_a)
        self.assertEqual(self.client.get("/api/cadre-links/").json()["count"], 0)

    def test_a_link_of_a_cadre_who_left_can_still_be_ended(self):
        from kechuang.core.services import user_update

        user_update(actor=self.admin, user=self.staff, is_active=False)
        services.cadre_link_end(self.leader, self.link, on=D(2023, 6, 1))
        self.link.refresh_from_db()
        self.assertEqual(self.link.valid_until, D(2023, 6, 1))

"""Every enterprise-side edit page refuses a form opened before someone else saved."""

from kechuang.core.tests.stale import assert_stale_form_refused
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import (
    enterprise_update,
    enterprise_year_save,
    ladder_settings_save,
    qualification_save,
    tier_save,
)
from kechuang.enterprises.tests.test_qualifications import LadderTestCase


class EnterpriseEditConflictTest(LadderTestCase):
    def test_a_stale_enterprise_form_is_refused(self):
        assert_stale_form_refused(
            self,
            f"/enterprises/{self.ent_a.pk}/edit/",
            self.ent_a,
            lambda: enterprise_update(
                actor=self.liaison_a,
                enterprise=Enterprise.objects.get(pk=self.ent_a.pk),
                address="他人改的地址",
            ),
            user=self.ent_user_a,
        )

    def test_a_stale_annual_figures_form_is_refused(self):
        record = enterprise_year_save(
            actor=self.staff, enterprise=self.ent_a, year=2022, employees=100
        )
        assert_stale_form_refused(
            self,
            f"/enterprises/years/{record.pk}/edit/",
            record,
            lambda: enterprise_year_save(
                actor=self.staff, enterprise=self.ent_a, year=2022, employees=120
            ),
            user=self.ent_user_a,
        )

    def test_a_stale_qualification_form_is_refused(self):
        record = qualification_save(
            actor=self.staff, enterprise=self.ent_a, tier=self.tsme, year=2023
        )
        assert_stale_form_refused(
            self,
            f"/enterprises/qualifications/{record.pk}/edit/",
            record,
            lambda: qualification_save(
                actor=self.liaison_a,
                enterprise=self.ent_a,
                tier=self.tsme,
                year=2023,
                number="202333112100009",
            ),
            user=self.staff,
        )

    def test_a_stale_tier_form_is_refused(self):
        assert_stale_form_refused(
            self,
            f"/enterprises/tiers/{self.giant.pk}/edit/",
            self.giant,
            lambda: tier_save(
                actor=self.leader,
                region=self.county,
                code="qt-giant",
                name="科技小巨人（修订）",
                rank=30,
                validity="years",
                validity_years=3,
            ),
            user=self.staff,
        )

    def test_a_stale_ladder_settings_form_is_refused(self):
        record = ladder_settings_save(actor=self.staff, region=self.county, expiry_warning_months=6)
        assert_stale_form_refused(
            self,
            "/enterprises/ladder-settings/",
            record,
            lambda: ladder_settings_save(
                actor=self.leader, region=self.county, expiry_warning_months=9
            ),
            user=self.staff,
        )

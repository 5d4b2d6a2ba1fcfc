"""The institution edit page refuses a form opened before someone else saved."""

from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.stale import assert_stale_form_refused
from kechuang.institutions.services import institution_update


class InstitutionEditConflictTest(CastTestCase):
    def test_a_stale_institution_form_is_refused(self):
        assert_stale_form_refused(
            self,
            f"/institutions/{self.institution.pk}/edit/",
            self.institution,
            lambda: institution_update(
                actor=self.staff, institution=self.institution, address="他人改的地址"
            ),
            user=self.inst_user,
        )

"""Regions: code prefixes and containment; users: the bindings their role requires."""

from django.core.exceptions import ValidationError

from kechuang.core.choices import Role
from kechuang.core.models import Region, User
from kechuang.core.tests.cast import CastTestCase


class RegionTest(CastTestCase):
    def test_prefix_is_the_code_part_shared_by_everything_below(self):
        self.assertEqual(Region.objects.get(code="330000").prefix, "33")
        self.assertEqual(self.city.prefix, "3311")
        self.assertEqual(self.county.prefix, "331121")
        self.assertEqual(self.township_a.prefix, "331121001")

    def test_a_region_contains_the_regions_below_it(self):
        self.assertTrue(self.city.contains(self.county))
        self.assertTrue(self.city.contains(self.township_b))
        self.assertTrue(self.county.contains(self.township_a))
        self.assertTrue(self.county.contains(self.county))

    def test_a_region_does_not_contain_siblings_parents_or_nothing(self):
        self.assertFalse(self.township_a.contains(self.township_b))
        self.assertFalse(self.township_a.contains(self.county))
        self.assertFalse(self.county.contains(Region.objects.get(code="331102")))
        self.assertFalse(self.county.contains(None))

    def test_migration_loaded_the_tree(self):
        self.assertEqual(self.township_a.name, "鹤城街道")
        self.assertEqual(self.township_b.name, "温溪镇")
        self.assertEqual(self.township_a.parent, self.county)
        self.assertEqual(self.county.parent, self.city)

    def test_it_refuses_a_code_outside_its_parent(self):
        region = Region(code="331102001", name="错位街道", level="township", parent=self.county)
        with self.assertRaises(ValidationError) as caught:
            region.full_clean()
        self.assertIn("不属于上级 青田县", caught.exception.message_dict["code"][0])


class UserBindingTest(CastTestCase):
    def assert_invalid(self, field: str, fragment: str, **fields):
        user = User(username="x", **fields)
        with self.assertRaises(ValidationError) as caught:
            user.full_clean(exclude=["password"])
        self.assertIn(fragment, caught.exception.message_dict[field][0])

    def test_a_liaison_must_be_bound_to_a_township(self):
        self.assert_invalid("region", "乡镇联络员必须绑定", role=Role.LIAISON, region=self.county)

    def test_an_enterprise_user_must_be_bound_to_an_enterprise(self):
        self.assert_invalid(
            "enterprise", "企业用户必须绑定", role=Role.ENTERPRISE, region=self.county
        )

    def test_an_institute_user_must_be_bound_to_an_institution(self):
        self.assert_invalid(
            "institution", "院所用户必须绑定", role=Role.INSTITUTE, region=self.county
        )

    def test_only_enterprise_users_are_bound_to_an_enterprise(self):
        self.assert_invalid(
            "enterprise", "只有企业用户", role=Role.STAFF, region=self.county, enterprise=self.ent_a
        )

    def test_every_user_but_a_superuser_needs_a_region(self):
        self.assert_invalid("region", "必须绑定所属区域", role=Role.STAFF)

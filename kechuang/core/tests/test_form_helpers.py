"""The form glue every edit page shares: a service's errors on the form, and the save of
the changed fields under the version check."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from kechuang.core import concurrency
from kechuang.core.forms import add_service_errors, save_changes
from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.test_concurrency import STALE, edit_form
from kechuang.enterprises.forms.registry import EnterpriseForm
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import enterprise_update


class NameForm(forms.Form):
    name = forms.CharField()


def bound_name_form() -> NameForm:
    form = NameForm({"name": "甲"})
    assert form.is_valid()
    return form


class AddServiceErrorsTest(CastTestCase):
    def test_an_error_naming_a_field_of_the_form_goes_under_it(self):
        form = bound_name_form()
        add_service_errors(form, ValidationError({"name": "名称已存在"}))
        self.assertEqual(form.errors["name"], ["名称已存在"])
        self.assertEqual(form.non_field_errors(), [])

    def test_an_error_naming_another_field_goes_above_the_form(self):
        form = bound_name_form()
        add_service_errors(form, ValidationError({"enterprise": "企业：不在本县"}))
        self.assertEqual(form.non_field_errors(), ["企业：不在本县"])
        self.assertNotIn("enterprise", form.errors)

    def test_an_error_naming_no_field_goes_above_the_form(self):
        form = bound_name_form()
        add_service_errors(form, ValidationError("已退回的记录不能修改", code="closed"))
        self.assertEqual(form.non_field_errors(), ["已退回的记录不能修改"])


class SaveChangesTest(CastTestCase):
    def form(self, firm: Enterprise, **changes) -> EnterpriseForm:
        version = concurrency.record_version(Enterprise.objects.get(pk=firm.pk))
        data = edit_form(firm, _version=version, **changes)
        form = EnterpriseForm(data, instance=firm, user=self.staff)
        self.assertTrue(form.is_valid(), form.errors)
        return form

    def test_only_the_changed_fields_are_passed_and_saved(self):
        firm = Enterprise.objects.get(pk=self.ent_a.pk)
        form = self.form(firm, address="新地址")
        calls = []

        def save(**changed):
            calls.append(changed)
            enterprise_update(actor=self.staff, enterprise=firm, **changed)

        self.assertTrue(save_changes(form, firm, save))
        self.assertEqual(calls, [{"address": "新地址"}])
        self.assertEqual(Enterprise.objects.get(pk=firm.pk).address, "新地址")

    def test_a_stale_form_is_refused_on_the_form_without_saving(self):
        firm = Enterprise.objects.get(pk=self.ent_a.pk)
        form = self.form(firm, address="迟到的修改")
        enterprise_update(
            actor=self.staff, enterprise=Enterprise.objects.get(pk=firm.pk), address="先到的"
        )
        calls = []
        self.assertFalse(save_changes(form, firm, lambda **changed: calls.append(changed)))
        self.assertEqual(calls, [])
        self.assertEqual(form.non_field_errors(), [STALE])
        self.assertEqual(Enterprise.objects.get(pk=firm.pk).address, "先到的")

    def test_a_service_error_lands_on_the_form(self):
        firm = Enterprise.objects.get(pk=self.ent_a.pk)
        form = self.form(firm, address="新地址")

        def save(**changed):
            raise ValidationError({"address": "地址：须写到门牌号"})

        self.assertFalse(save_changes(form, firm, save))
        self.assertEqual(form.errors["address"], ["地址：须写到门牌号"])

"""The form renderer writes selects and inputs exactly as Django's templates do."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import SimpleTestCase

from kechuang.core.renderers import FormRenderer


class SampleForm(forms.Form):
    name = forms.CharField(initial='a "quoted" <b>', widget=forms.TextInput(attrs={"class": "x"}))
    count = forms.IntegerField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput, initial="s&t")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(required=True)
    kind = forms.ChoiceField(
        choices=[("", "全部"), ("a", "甲 & 乙"), ("组", [("b", "<丙>"), ("c", "丁")])],
        initial="b",
        widget=forms.Select(attrs={"class": "form-select", "disabled": True, "data-x": False}),
    )
    many = forms.MultipleChoiceField(choices=[(1, "一"), (2, "二")], initial=[1, 2])
    flag = forms.TypedChoiceField(choices=[("true", "是"), ("false", "否")], initial="false")


class FormRendererTest(SimpleTestCase):
    def test_it_renders_the_same_markup_as_djangos_templates(self):
        for data in (None, {"name": "x'y", "kind": "c", "many": ["2"], "count": "3"}):
            fast = SampleForm(data, renderer=FormRenderer())
            slow = SampleForm(data, renderer=DjangoTemplates())
            for name in SampleForm.base_fields:
                self.assertHTMLEqual(str(fast[name]), str(slow[name]))

"""Commissioner forms: the service log (one column, phone-sized; a photo from the camera)."""

from django import forms

from kechuang.commissioners.models import Commissioner, ServiceLog
from kechuang.commissioners.services import LOG_FIELDS
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.forms import StyledFormMixin
from kechuang.core.selectors import townships_visible_to
from kechuang.enterprises.models import Enterprise


class LogForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    photo = forms.FileField(
        label="现场照片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    class Meta:
        model = ServiceLog
        fields = ("commissioner", *LOG_FIELDS)
        widgets = {
            "served_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "content": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, own=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships_visible_to(user)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["enterprise"].required = False
        if own is not None or self.instance.pk:
            del self.fields["commissioner"]  # a commissioner logs its own; a log keeps its own
        else:
            self.fields["commissioner"].queryset = Commissioner.objects.visible_to(user)
        if self.instance.pk:
            del self.fields["photo"]  # later photos: the record page's attachment panel


class CommissionerForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Commissioner
        fields = ("name", "kind", "service_model", "institution", "fields", "phone", "region")
        fields += ("user", "note")
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        from kechuang.core.choices import RegionLevel, Role
        from kechuang.core.models import Region, User

        super().__init__(*args, **kwargs)
        self.fields["service_model"].required = False
        self.fields[
            "service_model"
        ].help_text = "不填时按类别：个人“1人+1乡”，团队和产业“1团+1业”，法人“1家+1县”"
        self.fields["region"].queryset = Region.objects.editable_by(user).filter(
            level=RegionLevel.COUNTY
        )
        self.fields["user"].queryset = User.objects.visible_to(user).filter(role=Role.COMMISSIONER)


class AssignmentForm(StyledFormMixin, forms.Form):
    township = forms.ModelChoiceField(label="乡镇（街道）", queryset=None)
    village = forms.CharField(label="村", max_length=60, required=False)
    start = forms.DateField(label="派驻开始", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label="派驻结束", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships_visible_to(user)


class EvaluationForm(StyledFormMixin, forms.Form):
    """A year's evaluation: one field per item of the score sheet (to one decimal)."""

    year = forms.IntegerField(label="考核年度", min_value=2000, max_value=2100)
    evaluated_on = forms.DateField(label="考核日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        for item in sheet.items:
            self.fields[f"score_{item.key}"] = forms.DecimalField(
                label=f"{item.label}（满分 {item.max}）",
                min_value=0,
                max_value=item.max,
                decimal_places=1,
            )
        self.sheet = sheet

    def scores(self) -> dict:
        return {i.key: str(self.cleaned_data[f"score_{i.key}"]) for i in self.sheet.items}

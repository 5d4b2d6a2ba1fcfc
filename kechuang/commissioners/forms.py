"""Commissioner forms: the service log (one column, phone-sized; a photo from the camera)."""

from django import forms

from kechuang.commissioners.choices import RequesterKind
from kechuang.commissioners.models import Commissioner, ServiceLog, ServiceRequest
from kechuang.commissioners.services import LOG_FIELDS
from kechuang.core.choices import Role
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.forms import StyledFormMixin
from kechuang.core.selectors import townships_visible_to
from kechuang.enterprises.forms.pool import EnterpriseLookupField
from kechuang.enterprises.models import Enterprise


class LogForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    enterprise = EnterpriseLookupField(
        label="服务企业（统一社会信用代码或全称）",
        required=False,
        help_text="服务合作社、农户或村时不填",
    )
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
        if self.instance.pk and self.instance.enterprise_id:
            self.initial["enterprise"] = self.instance.enterprise.credit_code
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


class RequestForm(StyledFormMixin, forms.ModelForm):
    """A service request: a firm's user enters its own (no requester fields); a liaison or
    the bureau a firm's (by credit code or name) or a village's or cooperative's."""

    enterprise = EnterpriseLookupField(
        label="企业（统一社会信用代码或全称）", required=False, help_text="企业的需求填写"
    )

    class Meta:
        model = ServiceRequest
        fields = (
            "requester_kind",
            "enterprise",
            "requester",
            "township",
            "title",
            "content",
            "fields",
            "contact",
            "phone",
        )
        widgets = {"content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role == Role.ENTERPRISE:
            for name in ("requester_kind", "enterprise", "requester", "township"):
                del self.fields[name]
            return
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["township"].queryset = townships_visible_to(user)
        self.fields["township"].required = False
        self.fields["township"].help_text = "村或合作社的需求填写；企业的需求取企业所在乡镇"
        if user.region_id and user.region.level == "township":
            self.initial.setdefault("township", user.region_id)

    def clean(self):
        data = super().clean()
        kind = data.get("requester_kind")
        if kind == RequesterKind.ENTERPRISE:
            if not data.get("enterprise") and "enterprise" not in self.errors:
                self.add_error("enterprise", "请填写提出需求的企业")
        elif kind and not data.get("township") and "township" not in self.errors:
            self.add_error("township", "请选择乡镇（街道）")
        return data

    def _post_clean(self):
        # The service builds and checks the record (its township comes from the firm).
        pass


class AssignRequestForm(StyledFormMixin, forms.Form):
    commissioner = forms.ModelChoiceField(label="特派员", queryset=Commissioner.objects.none())
    comment = forms.CharField(label="说明", required=False, max_length=500)

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = Commissioner.objects.visible_to(user).filter(
            region__code__startswith=request.township.code[:6]
        )

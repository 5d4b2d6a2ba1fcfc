"""Platform forms: the record form and the evaluation entry form (one field per item of
the score sheet)."""

from django import forms

from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.forms import StyledFormMixin
from kechuang.enterprises.forms.pool import EnterpriseLookupField
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution
from kechuang.platforms import sheets
from kechuang.platforms.models import Platform, PlatformEvaluation
from kechuang.platforms.services import EDITABLE_FIELDS, HOST_FIELDS, _fields_for

DATE = {"type": "date"}


class PlatformForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    host_enterprise = EnterpriseLookupField(
        label="依托企业（统一社会信用代码或全称）", required=False
    )

    class Meta:
        model = Platform
        fields = EDITABLE_FIELDS
        widgets = {
            "plan": forms.Textarea(attrs={"rows": 4}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["host_institution"].queryset = Institution.objects.visible_to(user)
        if self.instance.pk and self.instance.host_enterprise_id:
            self.initial["host_enterprise"] = self.instance.host_enterprise.credit_code
        allowed = _fields_for(user)
        if allowed == HOST_FIELDS:
            # A host firm's user: its own firm; the name, type and level only when registering.
            keep = set(HOST_FIELDS) | (set() if self.instance.pk else {"name", "type", "level"})
            for name in list(self.fields):
                if name in EDITABLE_FIELDS and name not in keep:
                    del self.fields[name]


class EvaluationForm(StyledFormMixin, forms.Form):
    """A year's evaluation: the score sheet's items as fields (scores to one decimal)."""

    year = forms.IntegerField(label="评价年度", min_value=1990, max_value=2100)
    sheet = forms.ChoiceField(label="评分表")
    evaluated_on = forms.DateField(label="评价日期", widget=forms.DateInput(attrs=DATE))
    evaluator = forms.CharField(label="评价机构", max_length=100, required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, *args, platform: Platform, evaluation: PlatformEvaluation | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.sheets = {s.key: s for s in sheets.sheets_for(platform.type)}
        self.fields["sheet"].choices = [(k, s.title) for k, s in self.sheets.items()]
        chosen = (self.data.get("sheet") if self.is_bound else None) or (
            evaluation.sheet if evaluation else next(iter(self.sheets), None)
        )
        self.score_sheet = self.sheets.get(chosen)
        if evaluation is not None:
            self.initial.update(
                year=evaluation.year,
                sheet=evaluation.sheet,
                evaluated_on=evaluation.evaluated_on,
                evaluator=evaluation.evaluator,
                note=evaluation.note,
            )
        for item in self.score_sheet.items if self.score_sheet else ():
            self.fields[f"item_{item.key}"] = forms.DecimalField(
                label=f"{item.label}（满分 {item.max}）",
                min_value=0,
                max_value=item.max,
                decimal_places=1,
                help_text=item.note,
            )
            self.fields[f"item_{item.key}"].widget.attrs["class"] = "form-control"
            if evaluation is not None and item.key in evaluation.scores:
                self.initial[f"item_{item.key}"] = evaluation.scores[item.key]

    def item_fields(self):
        return [self[name] for name in self.fields if name.startswith("item_")]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        scores = {name[5:]: str(value) for name, value in data.items() if name.startswith("item_")}
        return {
            "year": data["year"],
            "sheet": data["sheet"],
            "scores": scores,
            "evaluated_on": data["evaluated_on"],
            "evaluator": data["evaluator"],
            "note": data["note"],
        }

"""Forms of the indicators: the Excel row forms of the statistics and the firms' monthly
figures, and the page forms a value or a target is entered with."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from kechuang.core.excel import YesNoField
from kechuang.core.forms import StyledFormMixin
from kechuang.core.validators import normalize_credit_code
from kechuang.indicators import engine
from kechuang.indicators.choices import ValueSource
from kechuang.indicators.models import DataValue, EnterpriseMonth, Target
from kechuang.indicators.services import ValueRow


class IdentityField(forms.CharField):
    """A column that identifies the record; it never counts as a change of it."""

    def has_changed(self, initial, data):
        return False


class StatsRowForm(forms.ModelForm):
    """One row of the statistics bureau's table: region code, period, element (code or Chinese
    name), this period's and last year's value in the given unit, the published growth.

    `regions` (code/name → Region) and `elements` (code/name → DataElement) are built once
    per file. Figures are converted to the element's base unit; a change is judged on the
    converted values, so an export (in base units) re-imports unchanged."""

    region_code = IdentityField(label="区划代码")
    element_name = IdentityField(label="指标项")
    amount = forms.CharField(label="本期值")
    previous_amount = forms.CharField(label="上年同期值", required=False)
    unit = forms.CharField(label="单位")

    class Meta:
        model = DataValue
        fields = ("period", "published_yoy")

    def __init__(self, *args, regions=None, elements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = regions if regions is not None else {}
        self.elements = elements if elements is not None else {}
        self.region = None
        self.element = None
        # What is stored now: validation writes the new values into the instance.
        self.stored = {
            name: getattr(self.instance, name) for name in ("value", "previous", "published_yoy")
        }

    def clean_region_code(self):
        text = self.cleaned_data["region_code"].strip()
        self.region = self.regions.get(text)
        if self.region is None:
            raise ValidationError(f"未知的区划代码：{text}")
        return text

    def clean_element_name(self):
        text = self.cleaned_data["element_name"].strip()
        self.element = self.elements.get(text)
        if self.element is None:
            raise ValidationError(f"未知的指标项：{text}（填写数据项代码或名称，见填写说明）")
        return text

    def clean(self):
        data = super().clean()
        if self.element is None or self.errors.get("unit"):
            return data
        unit = data.get("unit", "")
        for name, target in (("amount", "value"), ("previous_amount", "previous")):
            text = data.get(name, "")
            if name == "previous_amount" and "previous_amount" not in self.data:
                data[target] = self.stored["previous"]  # column left out: keep
                continue
            if name == "previous_amount" and not str(text).strip():
                data[target] = None
                continue
            try:
                value = engine.to_base(text, unit, self.element.measure)
                DataValue._meta.get_field(target).run_validators(value)
            except engine.IndicatorError as exc:
                self.add_error("unit" if "单位" in str(exc) else name, str(exc))
                continue
            except ValidationError as exc:
                self.add_error(name, exc)
                continue
            data[target] = value
        if "published_yoy" not in self.data:
            data["published_yoy"] = self.stored["published_yoy"]
        if self.region is not None:
            self.instance.region = self.region
        self.instance.element = self.element
        self.instance.source = ValueSource.STATS_BUREAU
        return data

    def value_row(self) -> ValueRow:
        data = self.cleaned_data
        return ValueRow(
            element=self.element,
            region=self.region,
            period=data["period"],
            value=data["value"],
            source=ValueSource.STATS_BUREAU,
            previous=data["previous"],
            published_yoy=data.get("published_yoy"),
        )

    # Stored field → the column (form field) it is read from.
    COLUMNS = {"value": "amount", "previous": "previous_amount", "published_yoy": "published_yoy"}

    @property
    def changed_data(self):
        if self.instance.pk is None:
            return ["amount"]
        data = self.cleaned_data
        return [
            column
            for name, column in self.COLUMNS.items()
            if _differs(self.stored[name], data.get(name))
        ]

    def has_changed(self):
        return bool(self.changed_data)


def _differs(stored, new) -> bool:
    if stored is None or new is None:
        return stored is not new
    return Decimal(stored) != Decimal(new)


class EnterpriseMonthImportForm(forms.ModelForm):
    """One row of the statistics bureau's enterprise-level table: the firm by its credit code,
    the period, its cumulative figures in yuan, its flags as 是/否.

    `enterprises` (credit code → firm the user may see) is built once per file."""

    credit_code = IdentityField(label="统一社会信用代码")
    name = IdentityField(label="企业名称", required=False)
    rnd_active = YesNoField(label="有研发活动", required=False)
    hitech = YesNoField(label="高新技术产业", required=False)

    class Meta:
        model = EnterpriseMonth
        fields = ("period", "revenue", "tech_dev_expense", "value_added", "rnd_active", "hitech")

    def __init__(self, *args, enterprises=None, totals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprises = enterprises if enterprises is not None else {}
        self.totals = totals  # the import's PendingTotals (see importers)
        self.enterprise = None
        for name in ("revenue", "tech_dev_expense", "value_added"):
            self.fields[name].required = False

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        self.enterprise = self.enterprises.get(code)
        if self.enterprise is None:
            raise ValidationError(f"未登记的企业：{code}")
        return code

    def clean(self):
        data = super().clean()
        for name in ("revenue", "tech_dev_expense", "value_added"):
            if name in data and data[name] is None:
                data[name] = getattr(self.instance, name)
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, "不能为负数")
        if self.enterprise is not None and self.instance.pk is None:
            self.instance.enterprise = self.enterprise
            self.instance.township = self.enterprise.township
            self.instance.county_id = self.enterprise.township.parent_id
        return data


class DataValueForm(StyledFormMixin, forms.ModelForm):
    """Enter one value by hand (base unit) on a page."""

    class Meta:
        model = DataValue
        fields = ("element", "region", "period", "value", "previous", "published_yoy", "source")


class TargetForm(StyledFormMixin, forms.ModelForm):
    """Enter an indicator's annual target (yuan for amounts, percent for ratios)."""

    class Meta:
        model = Target
        fields = ("indicator", "region", "year", "value", "document")

"""Forms of a firm's annual figures: the record-page form and the Excel row form."""

from django import forms

from kechuang.core.excel import YesNoField
from kechuang.core.forms import StyledFormMixin
from kechuang.core.validators import normalize_credit_code
from kechuang.enterprises.models import EnterpriseYear
from kechuang.enterprises.services.annual import FIGURE_FIELDS


class EnterpriseYearForm(StyledFormMixin, forms.ModelForm):
    """Add or edit one year on the record page; the year is fixed once entered."""

    class Meta:
        model = EnterpriseYear
        fields = ("year", *FIGURE_FIELDS)

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprise is not None:
            self.instance.enterprise = enterprise
        if self.instance.pk:
            self.fields["year"].disabled = True

    def clean_year(self):
        year = self.cleaned_data["year"]
        if (
            not self.instance.pk
            and EnterpriseYear.objects.filter(
                enterprise_id=self.instance.enterprise_id, year=year
            ).exists()
        ):
            raise forms.ValidationError(f"该企业{year}年度的数据已存在，请在年度数据中编辑")
        return year


class IdentityField(forms.CharField):
    """A column that identifies the record; it never counts as a change of it."""

    def has_changed(self, initial, data):
        return False


def natural_key(credit_code: str, year) -> str:
    return f"{credit_code}-{year}"


class EnterpriseYearImportForm(forms.ModelForm):
    """One Excel row: the firm by its credit code, booleans as 是/否.

    `enterprises` (credit code → firm) and `seen` (firm and year of earlier rows) are built
    once per file and shared by its rows.
    """

    natural_key = IdentityField(label="年度数据编号", required=False)
    credit_code = IdentityField(label="统一社会信用代码")
    name = IdentityField(label="企业名称", required=False)
    incidents = YesNoField(label="发生重大安全质量环境事故", required=False)

    class Meta:
        model = EnterpriseYear
        fields = ("year", *FIGURE_FIELDS)

    def __init__(self, *args, enterprises=None, seen=None, editable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprises = enterprises if enterprises is not None else {}
        self.seen = seen if seen is not None else set()
        self.editable = editable if editable is not None else set()
        self.enterprise = None
        # An empty cell keeps the stored figure (0 for a new year).
        for name in FIGURE_FIELDS:
            self.fields[name].required = False

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        self.enterprise = self.enterprises.get(code)
        if self.enterprise is None:
            raise forms.ValidationError(f"未登记的企业：{code}")
        return code

    def clean(self):
        data = super().clean()
        for name in FIGURE_FIELDS:
            if name in data and data[name] is None:
                data[name] = getattr(self.instance, name)
        year, code = data.get("year"), data.get("credit_code")
        if self.enterprise is None or not year:
            return data
        key = natural_key(code, year)
        given = (data.get("natural_key") or "").strip().upper()
        if given and given != key:
            self.add_error("natural_key", f"应为 {key}（信用代码-年度），与本行不符")
            return data
        if (self.enterprise.pk, year) in self.seen:
            self.add_error("year", f"{self.enterprise.name}{year}年度在本文件中出现多次")
            return data
        self.seen.add((self.enterprise.pk, year))
        if self.instance.pk is None:
            if EnterpriseYear.objects.filter(enterprise=self.enterprise, year=year).exists():
                self.add_error(
                    "year",
                    f"{self.enterprise.name}{year}年度的数据已存在："
                    "更新请填写【年度数据编号】（导出文件中已有）",
                )
                return data
            self.instance.enterprise = self.enterprise
        return data

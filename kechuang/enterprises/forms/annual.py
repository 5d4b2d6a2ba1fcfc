"""Forms of a firm's annual figures: the record-page form and the Excel row form."""

from django import forms

from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.excel import YesNoField
from kechuang.core.forms import StyledFormMixin
from kechuang.core.validators import normalize_credit_code
from kechuang.enterprises.models import EnterpriseYear
from kechuang.enterprises.services.annual import FIGURE_FIELDS


class EnterpriseYearForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
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


class EnterpriseYearImportForm(forms.ModelForm):
    """One Excel row: the firm by its credit code, booleans as 是/否.

    `enterprises` (credit code → firm the user may see) is built once per file; the import
    matches stored years by credit code and year before the form sees the row.
    """

    credit_code = IdentityField(label="统一社会信用代码")
    name = IdentityField(label="企业名称", required=False)
    incidents = YesNoField(label="发生重大安全质量环境事故", required=False)

    class Meta:
        model = EnterpriseYear
        fields = ("year", *FIGURE_FIELDS)

    def __init__(self, *args, enterprises=None, editable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprises = enterprises if enterprises is not None else {}
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
        if self.enterprise is not None and self.instance.pk is None:
            self.instance.enterprise = self.enterprise
        return data

"""Excel spec of firms' annual figures: template, import, export.

A row is identified by two columns, credit code and year: a stored year is updated, a new
one created.
"""

from kechuang.core.choices import Role
from kechuang.core.excel import Column, SheetSpec, register, yes_no
from kechuang.core.scoping import is_bureau
from kechuang.core.validators import normalize_credit_code
from kechuang.enterprises.forms.annual import EnterpriseYearImportForm
from kechuang.enterprises.models import Enterprise, EnterpriseYear
from kechuang.enterprises.services.annual import FIGURE_FIELDS, enterprise_year_save


def _figure(header: str, name: str, note: str = "") -> Column:
    return Column(header, name, lambda y: getattr(y, name), width=16, note=note)


class EnterpriseYearSheet(SheetSpec):
    kind = "enterprise_years"
    title = "企业年度数据"
    model = EnterpriseYear
    form_class = EnterpriseYearImportForm
    key_field = "credit_code"
    list_url = "enterprises:enterprise_list"
    columns = [
        Column(
            "统一社会信用代码",
            "credit_code",
            lambda y: y.enterprise.credit_code,
            required=True,
            width=24,
            note="须为已登记的企业",
        ),
        Column(
            "企业名称", "name", lambda y: y.enterprise.name, width=30, note="仅供查看，导入时不读取"
        ),
        Column("年度", "year", lambda y: y.year, required=True, width=8, note="如 2022"),
        _figure("职工总数", "employees", "人；留空按0（已有记录保持原值）"),
        _figure("科技人员数", "st_staff", "人；不能超过职工总数"),
        _figure("销售收入（元）", "sales_revenue", "元，下同"),
        _figure("总收入（元）", "total_income"),
        _figure("研发费用（元）", "rnd_expense", "不能超过成本费用总额"),
        _figure("其中：境内研发费用（元）", "rnd_expense_domestic", "不能超过研发费用"),
        _figure("高新技术产品（服务）收入（元）", "hightech_income", "不能超过总收入"),
        _figure("成本费用总额（元）", "total_costs"),
        _figure("资产总额（元）", "total_assets"),
        _figure("净资产（元）", "net_assets", "可为负数；不能超过资产总额"),
        _figure("有效Ⅰ类知识产权（件）", "ip_class1"),
        _figure("有效Ⅱ类知识产权（件）", "ip_class2"),
        _figure("科技成果转化数（项）", "conversions"),
        Column(
            "发生重大安全质量环境事故",
            "incidents",
            lambda y: yes_no(y.incidents),
            width=12,
            note="是/否",
        ),
    ]

    def queryset(self, user):
        return (
            EnterpriseYear.objects.visible_to(user)
            .select_related("enterprise")
            .order_by("enterprise__name", "-year")
        )

    def normalize_key(self, value: str) -> str:
        return normalize_credit_code(value)

    def row_key(self, data, context):
        """(credit code, year); None when either is missing or unreadable."""
        code, year = data.get("credit_code", ""), data.get("year", "").strip()
        return (code, int(year)) if code and year.isdigit() else None

    def existing(self, keys, context) -> dict:
        # Only firms the user can see: others read as unregistered, revealing nothing.
        codes = {code for code, _ in keys if code in context["enterprises"]}
        years = EnterpriseYear.objects.filter(enterprise__credit_code__in=codes).select_related(
            "enterprise"
        )
        return {(y.enterprise.credit_code, y.year): y for y in years}

    def duplicate_message(self, key, first_row: int) -> str:
        return f"{key[1]}年度与第{first_row}行重复"

    def describe_key(self, key) -> str:
        return f"{key[0]} {key[1]}年"

    def label(self, data):
        return f"{data.get('name') or normalize_credit_code(data.get('credit_code', ''))} " + (
            f"{data.get('year', '')}年"
        )

    def can_import(self, user) -> bool:
        return is_bureau(user) or user.role == Role.LIAISON

    def form_kwargs(self, user):
        # Firms the user cannot see read as unregistered, so imports reveal nothing.
        visible = Enterprise.objects.visible_to(user).only("pk", "credit_code", "name")
        return {
            "enterprises": {e.credit_code: e for e in visible},
            "editable": set(Enterprise.objects.editable_by(user).values_list("pk", flat=True)),
        }

    def check_permission(self, form, user):
        if form.enterprise.pk not in form.editable:
            return "无权填报该企业的年度数据"
        return None

    def save(self, form, user):
        data = form.cleaned_data
        return enterprise_year_save(
            actor=user,
            enterprise=form.enterprise,
            year=data["year"],
            **{name: data[name] for name in FIGURE_FIELDS},
        )


register(EnterpriseYearSheet())

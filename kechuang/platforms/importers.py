"""Excel spec of the platforms: the list's export (same filters as the page). Platforms are
registered on their pages, where the host and the workflow are checked, so the sheet is
for export only: `can_import` refuses every user."""

from django import forms

from kechuang.core.excel import Column, SheetSpec, register
from kechuang.platforms import selectors
from kechuang.platforms.filters import PlatformFilter
from kechuang.platforms.models import Platform


class PlatformExportForm(forms.ModelForm):
    class Meta:
        model = Platform
        fields = ["name"]


def _day(value) -> str:
    return value.isoformat() if value else ""


class PlatformSheet(SheetSpec):
    kind = "platforms"
    title = "科创平台"
    model = Platform
    form_class = PlatformExportForm
    key_field = "name"
    filterset_class = PlatformFilter
    list_url = "platforms:platform_list"
    columns = [
        Column("平台名称", "name", lambda p: p.name, required=True, width=36),
        Column("类型", "type", lambda p: p.get_type_display(), width=24),
        Column("级别", "level", lambda p: p.get_level_display(), width=8),
        Column(
            "依托单位",
            "host",
            lambda p: p.host_enterprise.name if p.host_enterprise else p.host_institution.name,
            width=30,
        ),
        Column(
            "依托企业信用代码",
            "host_enterprise",
            lambda p: p.host_enterprise.credit_code if p.host_enterprise else "",
            width=22,
        ),
        Column("所属区域", "region", lambda p: p.region.name, width=12),
        Column("领域方向", "field", lambda p: p.field, width=16),
        Column("状态", "status", lambda p: p.get_status_display(), width=10),
        Column("申报日期", "applied_on", lambda p: _day(p.applied_on), width=12),
        Column("认定日期", "recognised_on", lambda p: _day(p.recognised_on), width=12),
        Column("认定文号", "recognition_number", lambda p: p.recognition_number, width=24),
        Column("撤销日期", "revoked_on", lambda p: _day(p.revoked_on), width=12),
    ]

    def queryset(self, user):
        return selectors.platform_list(user)

    def can_import(self, user) -> bool:
        return False


register(PlatformSheet())

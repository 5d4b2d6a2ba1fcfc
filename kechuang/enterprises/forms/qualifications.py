"""Forms of the ladder: qualifications (page and 公示名单 row), tiers, and the list filters."""

import django_filters
from django import forms
from django.db.models import Q

from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.filters import RegionCodeFilter, YearFilter
from kechuang.core.forms import StyledFormMixin
from kechuang.core.models import Region
from kechuang.core.selectors import townships_visible_to
from kechuang.core.validators import normalize_credit_code
from kechuang.enterprises.forms.annual import IdentityField
from kechuang.enterprises.models import PlaqueDelivery, Qualification, Tier
from kechuang.enterprises.selectors import qualifications as selectors

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QualificationForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """Add or edit a firm's qualification on its record page; validity is computed."""

    class Meta:
        model = Qualification
        fields = ("tier", "year", "number", "issued_on", "batch")
        widgets = {"issued_on": DATE_INPUT}
        help_texts = {"issued_on": "高新技术企业等按发证日期计算有效期的资质必填"}

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.enterprise = enterprise
        self.fields["tier"].queryset = selectors.tiers_applying_to(enterprise)

    def clean(self):
        data = super().clean()
        tier, year = data.get("tier"), data.get("year")
        if tier and year:
            others = Qualification.objects.filter(
                enterprise_id=self.instance.enterprise_id, tier=tier, year=year
            ).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("year", f"该企业{year}年度已有{tier.name}资质")
        return data


class TierTextField(forms.CharField):
    """A tier typed by its name or code; which tier it is depends on the row's firm."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tiers: dict[int, Tier] = {}

    def has_changed(self, initial, data):
        tier = self.tiers.get(getattr(initial, "pk", initial))
        return tier is None or str(data or "").strip() not in (tier.code, tier.name)


class QualificationImportForm(forms.ModelForm):
    """One row of a published list (公示名单): the firm by credit code, else by exact name.

    `lookup` holds the firms and tiers the importer may use;
    it is built once per file and shared by its rows.
    """

    name = IdentityField(label="企业名称")
    credit_code = IdentityField(label="统一社会信用代码", required=False)
    tier = TierTextField(label="资质")

    class Meta:
        model = Qualification
        fields = ("tier", "year", "number", "issued_on", "batch")

    def __init__(self, *args, lookup=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookup = lookup or ImportLookup(by_code={}, by_name={}, tiers=[])
        self.fields["tier"].tiers = {t.pk: t for t in self.lookup.tiers}
        self.enterprise = None

    def clean_tier(self):
        return self.cleaned_data["tier"].strip()

    def clean(self):
        data = super().clean()
        self.enterprise = self._match_enterprise(data)
        tier = self._match_tier(data)
        # The model field gets a Tier or nothing, never the typed text.
        if tier is None:
            data.pop("tier", None)
        else:
            data["tier"] = tier
        year = data.get("year")
        if self.enterprise is None or tier is None or not year:
            return data
        self._match_record(tier, year)
        return data

    def _match_enterprise(self, data):
        code = normalize_credit_code(data.get("credit_code", ""))
        name = (data.get("name") or "").strip()
        if code and code in self.lookup.by_code:
            return self.lookup.by_code[code]
        found = self.lookup.by_name.get(name, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            self.add_error("name", f"企业名称对应多家已登记企业，请填写统一社会信用代码：{name}")
        elif "name" not in self.errors:
            self.add_error("name", f"未匹配到已登记企业：{name}")
        return None

    def _match_tier(self, data):
        text = data.get("tier")
        if not text:
            return None
        candidates = [t for t in self.lookup.tiers if text in (t.code, t.name)]
        if self.enterprise is not None:
            candidates = [t for t in candidates if selectors.tier_applies_to(t, self.enterprise)]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            self.add_error("tier", f"资质名称“{text}”对应多个梯次，请填写资质代码")
        else:
            self.add_error("tier", f"未知的资质或不适用于该企业：{text}")
        return None

    def _match_record(self, tier, year):
        """The same firm, tier and year is the same record (re-importing changes nothing)."""
        same = Qualification.objects.filter(enterprise=self.enterprise, tier=tier, year=year)
        if self.instance.pk is None:
            existing = same.first()
            if existing is not None:
                self.instance = existing
            else:
                self.instance.enterprise = self.enterprise
        elif self.instance.enterprise_id != self.enterprise.pk:
            self.add_error("number", f"该编号已登记在{self.instance.enterprise}名下")
        elif same.exclude(pk=self.instance.pk).exists():
            self.add_error("number", f"该编号属于该企业另一条资质，与{year}年度{tier.name}不符")


class ImportLookup:
    """Firms (by credit code and by name) and tiers an importer may use."""

    def __init__(self, *, by_code, by_name, tiers):
        self.by_code = by_code
        self.by_name = by_name
        self.tiers = tiers
        self.may_record: set[int] = set()

    def firm(self, credit_code: str, name: str):
        """The one firm a row names, or None."""
        code = normalize_credit_code(credit_code)
        if code and code in self.by_code:
            return self.by_code[code]
        found = self.by_name.get((name or "").strip(), [])
        return found[0] if len(found) == 1 else None

    def tier(self, text: str, firm):
        """The one tier applying to the firm that the text names, or None."""
        text = (text or "").strip()
        found = [
            t for t in self.tiers if text in (t.code, t.name) and selectors.tier_applies_to(t, firm)
        ]
        return found[0] if len(found) == 1 else None


class TierForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """A tier a region defines (科技小巨人, 科技领军企业 …); its code is fixed once created."""

    class Meta:
        model = Tier
        fields = (
            "region",
            "code",
            "name",
            "rank",
            "validity",
            "validity_years",
            "criteria",
            "document",
            "is_example",
        )
        widgets = {"criteria": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.visible_to(user)
        self.fields["region"].required = True
        self.fields["region"].empty_label = "请选择"
        self.fields["region"].help_text = "本资质适用于该区域内的企业"
        if self.instance.pk:
            self.fields["code"].disabled = True


class QualificationFilter(django_filters.FilterSet):
    """The qualification list's filters: one definition for the page and the export."""

    q = django_filters.CharFilter(label="企业名称、信用代码或编号", method="search")
    tier = django_filters.ModelChoiceFilter(
        label="资质", queryset=Tier.objects.none(), empty_label="全部"
    )
    year = YearFilter(label="年度")
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        queryset=Region.objects.none(),
        field_name="enterprise__township",
        empty_label="全部",
    )
    valid_on = django_filters.DateFilter(
        label="有效日期", method="filter_valid_on", widget=DATE_INPUT
    )
    issued_year = YearFilter(label="发证年度", method="filter_issued_year")
    # Set by the figures' links (core/figures.py): the firm's region, issued by a day.
    region = RegionCodeFilter(field_name="enterprise__township")
    issued_until = django_filters.DateFilter(
        label="发证日期止", method="filter_issued_until", widget=DATE_INPUT
    )

    class Meta:
        model = Qualification
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = user or getattr(request, "user", None)
        if user is not None:
            self.filters["township"].queryset = townships_visible_to(user)
            self.filters["tier"].queryset = selectors.tiers_managed_by(user)
        self.form.label_suffix = ""

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value)
            | Q(enterprise__credit_code__icontains=value.upper())
            | Q(number__icontains=value)
        )

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(selectors.valid_on_q(value)) if value else queryset

    def filter_issued_year(self, queryset, name, value):
        return selectors.issued_in(queryset, int(value)) if value else queryset

    def filter_issued_until(self, queryset, name, value):
        return selectors.issued_by(queryset, value) if value else queryset


class PlaqueDeliveryForm(StyledFormMixin, forms.Form):
    """Records the delivery of a qualification's plaque, with an optional photo."""

    delivered_on = forms.DateField(label="发放日期", widget=DATE_INPUT)
    delivered_by = forms.CharField(
        label="发放人", max_length=60, required=False, help_text="不填则为登记人"
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(
        label="现场照片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class PlaqueDeliveryFilter(django_filters.FilterSet):
    """The plaque deliveries list: `delivered` takes a period (YYYY or YYYY-MM, January
    through that month) and `region` a region code, as the figure's link sets them."""

    q = django_filters.CharFilter(label="企业名称或信用代码", method="search")
    delivered = django_filters.CharFilter(label="发放期间", method="in_period")
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        queryset=Region.objects.none(),
        field_name="qualification__enterprise__township",
        empty_label="全部",
    )
    region = RegionCodeFilter(field_name="qualification__enterprise__township")

    class Meta:
        model = PlaqueDelivery
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = user or getattr(request, "user", None)
        if user is not None:
            self.filters["township"].queryset = townships_visible_to(user)
        self.form.label_suffix = ""

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(qualification__enterprise__name__icontains=value)
            | Q(qualification__enterprise__credit_code__icontains=value)
        )

    def in_period(self, queryset, name, value):
        from kechuang.core.figures import Period

        if not value.strip():
            return queryset
        try:
            found = Period.parse_span(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(delivered_on__range=(found.start, found.end))

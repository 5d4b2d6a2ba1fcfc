"""Forms of the cultivation pool: list filters, page forms and the Excel row form."""

import django_filters
from django import forms
from django.db.models import Q

from kechuang.core import clock
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.excel import LabelChoiceField
from kechuang.core.filters import RegionCodeFilter, YearFilter
from kechuang.core.forms import StyledFormMixin
from kechuang.core.models import User
from kechuang.core.selectors import townships_visible_to
from kechuang.core.validators import normalize_credit_code
from kechuang.enterprises.choices import POOL_WORKFLOW, PoolStatus
from kechuang.enterprises.models import Enterprise, LadderSettings, PoolEntry, Tier, Visit
from kechuang.enterprises.selectors.pool import liaison_candidates, tiers_for
from kechuang.enterprises.selectors.qualifications import tiers_managed_by
from kechuang.enterprises.services.pool import LADDER_SETTINGS_FIELDS

DATE = {"type": "date"}


def _user_choices(users) -> list[tuple]:
    return [(u.pk, f"{u.display_name}（{u.region.name if u.region else ''}）") for u in users]


class PoolEntryFilter(django_filters.FilterSet):
    """The pool list's filters: one definition for the page and the export."""

    q = django_filters.CharFilter(label="企业名称或信用代码", method="search")
    tier = django_filters.ModelChoiceFilter(
        label="培育目标", queryset=Tier.objects.all(), empty_label="全部"
    )
    year = YearFilter(label="申报年度")
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        field_name="enterprise__township",
        queryset=townships_visible_to(None),
        empty_label="全部",
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=PoolStatus.choices, empty_label="全部"
    )
    liaison = django_filters.ModelChoiceFilter(
        label="联系干部", queryset=User.objects.none(), empty_label="全部"
    )
    # Set by the figures' links (core/figures.py): the firm's region, entered by a day.
    region = RegionCodeFilter(field_name="enterprise__township")
    entered_until = django_filters.DateFilter(
        label="入库日期止", field_name="entered_on", lookup_expr="lte"
    )

    class Meta:
        model = PoolEntry
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = user or getattr(request, "user", None)
        if user is not None:
            self.filters["tier"].queryset = tiers_managed_by(user).order_by("rank", "code")
            self.filters["township"].queryset = townships_visible_to(user)
            self.filters["liaison"].queryset = (
                User.objects.visible_to(user).filter(pool_entries__isnull=False).distinct()
            )
        self.form.label_suffix = ""

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value)
            | Q(enterprise__credit_code__icontains=value.upper())
        )


class EnterpriseLookupField(forms.CharField):
    """A firm typed by its credit code or exact name, among the firms `queryset` holds."""

    def __init__(self, *args, queryset=None, **kwargs):
        self.queryset = queryset
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        code = normalize_credit_code(text)
        found = list(self.queryset.filter(Q(credit_code=code) | Q(name=text))[:2])
        if len(found) != 1:
            reason = "有多家同名企业，请填写信用代码" if found else "不在您可管理的企业中"
            raise forms.ValidationError(f"{text}：{reason}")
        return found[0]


class PoolEntryForm(StyledFormMixin, forms.Form):
    """Adds a firm to the pool."""

    enterprise = EnterpriseLookupField(label="企业（统一社会信用代码或全称）")
    tier = forms.ModelChoiceField(label="培育目标", queryset=Tier.objects.all())
    year = forms.IntegerField(label="申报年度", min_value=1990, max_value=2100)
    liaison = forms.TypedChoiceField(label="联系干部", required=False, coerce=int, empty_value=None)
    entered_on = forms.DateField(label="入库日期", widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = clock.today()
        self.initial.setdefault("year", today.year)
        self.initial.setdefault("entered_on", today)
        self.fields["enterprise"].queryset = Enterprise.objects.editable_by(user)
        self.fields["tier"].queryset = Tier.objects.filter(pk__in=[t.pk for t in tiers_for(user)])
        self.candidates = {u.pk: u for u in liaison_candidates(user)}
        self.fields["liaison"].choices = [("", "暂不指定")] + _user_choices(
            self.candidates.values()
        )

    def clean_liaison(self):
        pk = self.cleaned_data.get("liaison")
        return self.candidates.get(pk) if pk else None


class AssignForm(StyledFormMixin, forms.Form):
    liaison = forms.TypedChoiceField(label="联系干部", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, user, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {u.pk: u for u in liaison_candidates(user, entry.enterprise)}
        if entry.liaison_id and entry.liaison_id not in self.candidates:
            self.candidates[entry.liaison_id] = entry.liaison
        self.fields["liaison"].choices = [("", "不指定")] + _user_choices(self.candidates.values())
        self.initial.setdefault("liaison", entry.liaison_id)

    def clean_liaison(self):
        pk = self.cleaned_data.get("liaison")
        return self.candidates.get(pk) if pk else None


class VisitForm(StyledFormMixin, forms.ModelForm):
    """One column on a phone; the photo comes from the phone's camera."""

    photo = forms.FileField(
        label="现场照片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    class Meta:
        model = Visit
        fields = ["visited_on", "visitors", "agreed", "next_step", "next_on"]
        widgets = {
            "visited_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "next_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "agreed": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("visited_on", clock.today())

    def clean(self):
        data = super().clean()
        visited_on, next_on = data.get("visited_on"), data.get("next_on")
        if visited_on and next_on and next_on < visited_on:
            self.add_error("next_on", "下次跟进日期不能早于走访日期")
        return data


class LadderSettingsForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = LadderSettings
        fields = LADDER_SETTINGS_FIELDS
        widgets = {"recruit_cutoff": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}


# --- Excel ---------------------------------------------------------------------


class LookupField(forms.Field):
    """A record typed by one of its names; `lookup` (text → record) is built once per file."""

    def __init__(self, *args, what: str, **kwargs):
        self.what = what
        self.lookup: dict = {}
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        found = self.lookup.get(text) or self.lookup.get(text.upper())
        if found is None:
            raise forms.ValidationError(f"未知的{self.what}：{text}")
        if found == "ambiguous":
            raise forms.ValidationError(f"{text} 对应多个{self.what}，请改填唯一的名称或代码")
        return found

    def has_changed(self, initial, data):
        try:
            new = self.to_python(data)
        except forms.ValidationError:
            return True
        initial_pk = getattr(initial, "pk", initial)
        return str(initial_pk or "") != str(new.pk if new else "")


def build_lookup(records, *names) -> dict:
    """Text → record for each of the given attributes; a text naming two records is ambiguous."""
    lookup: dict = {}
    for record in records:
        for name in names:
            text = str(getattr(record, name) or "").strip()
            if text and lookup.get(text, record) is not record:
                lookup[text] = "ambiguous"
            elif text:
                lookup[text] = record
    return lookup


class PoolImportForm(forms.ModelForm):
    """One row of the pool sheet: firm by credit code, tier by name or code, status by label."""

    enterprise = LookupField(label="统一社会信用代码", what="企业")
    tier = LookupField(label="培育目标", what="培育目标")
    status = LabelChoiceField(label="状态", choices=PoolStatus.choices, required=False)
    liaison = LookupField(label="联系干部", what="联系干部", required=False)

    class Meta:
        model = PoolEntry
        fields = ["enterprise", "tier", "year", "status", "liaison", "note"]

    def __init__(self, *args, lookups, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("enterprise", "tier", "liaison"):
            self.fields[name].lookup = lookups[name]

    def clean_status(self):
        status = self.cleaned_data.get("status")
        if not status:
            return self.instance.status if self.instance.pk else PoolStatus.CANDIDATE
        return status

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if self.instance.pk and status and status != self.instance.status:
            current = PoolStatus(self.instance.status)
            if POOL_WORKFLOW.transition(current, status) is None:
                target = PoolStatus(status).label
                self.add_error("status", f"培育状态不能从“{current.label}”改为“{target}”")
        # A new entry starts on the day it is imported; an update keeps its own dates.
        if self.instance.pk is None:
            self.instance.entered_on = clock.today()
        return data

    def validate_unique(self):
        # Rows are matched on (firm, tier, year) before the form sees them.
        if self.instance.pk is None:
            super().validate_unique()

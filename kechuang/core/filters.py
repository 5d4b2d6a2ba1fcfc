"""Filters shared by the lists and the API: numbers a database column can hold, so a query
string can never ask for a value the database cannot compare (an overflow is a 400, not a
500)."""

import django_filters
from django import forms

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number from 1 to the largest id a column holds."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    """A calendar year."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


class RegionCodeFilter(django_filters.CharFilter):
    """Records of a region and the regions below it, by GB/T 2260 code (?region=331121):
    `field_name` is the path to the record's region. An unknown code lists nothing. The
    figures link their records' lists with it (core/figures.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "区划代码")
        kwargs.setdefault("max_length", 12)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        from kechuang.core.models import Region

        value = (value or "").strip()
        if not value:
            return qs
        region = Region.objects.filter(code=value).first()
        if region is None:
            return qs.none()
        return qs.filter(**{f"{self.field_name}__code__startswith": region.prefix})

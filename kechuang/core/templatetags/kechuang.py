"""Template filters for money, percentages and masked personal data."""

from django import template

from kechuang.core import formatting

register = template.Library()

register.filter("wan", formatting.yuan_to_wan)
register.filter("yi", formatting.yuan_to_yi)
register.filter("percent", formatting.percent)
register.filter("mask_phone", formatting.mask_phone)
register.filter("mask_name", formatting.mask_name)

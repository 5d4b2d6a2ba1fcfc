"""Template filters for money, percentages and masked personal data."""

from django import template

from kechuang.core import formatting

register = template.Library()

register.filter("amount", formatting.amount)
register.filter("percent", formatting.percent)
register.filter("mask_phone", formatting.mask_phone)
register.filter("mask_name", formatting.mask_name)


@register.simple_tag
def link_filters(filterset, *names):
    """The filters a figure's link sets that the list's form does not show (region, dates):
    kept as hidden inputs, so the form carries them, and named above the list, so the
    reader knows which records are listed."""
    from django.utils.html import format_html, format_html_join

    form = filterset.form
    bound = [(name, form[name].value()) for name in names if name in form.fields]
    bound = [(name, value) for name, value in bound if value not in (None, "")]
    if not bound:
        return ""
    inputs = format_html_join(
        "", '<input type="hidden" name="{}" value="{}">', ((n, v) for n, v in bound)
    )
    labels = format_html_join("、", "{}：{}", ((form.fields[n].label or n, v) for n, v in bound))
    return format_html(
        '{}<div class="col-12 small text-muted" id="link-filters">另按 {} 筛选</div>',
        inputs,
        labels,
    )

"""What a figure's `source` page lists, for the tests that check it lists exactly the
records the figure counts."""

from __future__ import annotations

from kechuang.core import figures


def listed(test, user, code: str, region, period: str):
    """(ids the figure counts, ids its source page lists to `user`, the page's response).
    Every list page keeps its filter set in the context: its queryset is what the page
    lists (the page shows it a page at a time)."""
    figure = figures.get(code)
    period_ = figures.Period.parse(period)
    test.client.force_login(user)
    response = test.client.get(figure.source(region, period_))
    test.assertEqual(response.status_code, 200, figure.source(region, period_))
    shown = set(response.context["filter"].qs.values_list("pk", flat=True))
    counted = set(figure.records(region, period_).values_list("pk", flat=True))
    return counted, shown, response

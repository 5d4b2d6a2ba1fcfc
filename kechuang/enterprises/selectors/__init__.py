"""Read queries of the enterprise app, scoped to the user, one module per part."""

from kechuang.enterprises.selectors.registry import (  # noqa: F401
    enterprise_counts,
    enterprise_list,
)


def home_widgets(user) -> list[dict]:
    from kechuang.enterprises.selectors import alerts, registry

    return registry.home_widgets(user) + alerts.home_widgets(user)

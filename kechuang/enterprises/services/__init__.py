"""Every write of the enterprise app, one module per part; imported here for callers."""

from kechuang.enterprises.services.registry import (  # noqa: F401
    EDITABLE_FIELDS,
    OWNER_LOCKED_FIELDS,
    enterprise_create,
    enterprise_update,
)

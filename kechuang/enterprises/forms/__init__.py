"""Forms of the enterprise app, one module per part."""

from kechuang.enterprises.forms.registry import (  # noqa: F401
    DivisionField,
    EnterpriseForm,
    EnterpriseImportForm,
)

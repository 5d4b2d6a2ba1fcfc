"""Excel specs of the enterprise app; importing this package registers them all."""

from kechuang.enterprises.importers import registry  # noqa: F401
from kechuang.enterprises.importers.registry import EnterpriseSheet  # noqa: F401

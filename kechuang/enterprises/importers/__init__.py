"""Excel specs of the enterprise app; importing this package registers them all."""

from kechuang.enterprises.importers import (  # noqa: F401
    annual,
    pool,  # noqa: F401, E402
    qualifications,
    registry,  # noqa: F401
)
from kechuang.enterprises.importers.registry import EnterpriseSheet  # noqa: F401

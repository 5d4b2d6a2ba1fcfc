"""Models of the enterprise app: the registry, annual figures and the tier ladder."""

from kechuang.enterprises.models.annual import EnterpriseYear
from kechuang.enterprises.models.ladder import (
    LadderSettings,
    PlaqueDelivery,
    PoolEntry,
    Qualification,
    Tier,
    Visit,
)
from kechuang.enterprises.models.registry import MANUFACTURING_SECTION, Enterprise

__all__ = [
    "MANUFACTURING_SECTION",
    "Enterprise",
    "EnterpriseYear",
    "LadderSettings",
    "PlaqueDelivery",
    "PoolEntry",
    "Qualification",
    "Tier",
    "Visit",
]

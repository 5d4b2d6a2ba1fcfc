"""How money, percentages and personal data are shown to users."""

from decimal import ROUND_HALF_UP, Decimal

TEN_THOUSAND = Decimal(10_000)
HUNDRED_MILLION = Decimal(100_000_000)
TWO_PLACES = Decimal("0.01")


def yuan_to_wan(amount: Decimal | None, grouping: bool = True) -> str:
    """Yuan as 万元 with two decimals, the bureau's precision."""
    if amount is None:
        return "—"
    wan = (Decimal(amount) / TEN_THOUSAND).quantize(TWO_PLACES, ROUND_HALF_UP)
    return f"{wan:,}万元" if grouping else f"{wan}万元"


def yuan_to_yi(amount: Decimal | None, grouping: bool = True) -> str:
    """Yuan as 亿元 with two decimals."""
    if amount is None:
        return "—"
    yi = (Decimal(amount) / HUNDRED_MILLION).quantize(TWO_PLACES, ROUND_HALF_UP)
    return f"{yi:,}亿元" if grouping else f"{yi}亿元"


def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(TWO_PLACES, ROUND_HALF_UP)}%"


def mask_phone(phone: str) -> str:
    """Keeps the first three and last four digits: 138****5678."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[0] + "*" * (len(phone) - 1)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    """Keeps the surname: 张** ."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


def amount(value: Decimal | None, grouping: bool = True) -> str:
    """Yuan as the bureau writes an amount: from 1亿元 up in 亿元, below in 万元. Pages group
    thousands (1,234.56万元); the report writes them as the bureau's text does
    (`grouping=False`: 2119.85万元)."""
    if value is None:
        return "—"
    wan = (Decimal(value) / TEN_THOUSAND).quantize(TWO_PLACES, ROUND_HALF_UP)
    # Decided on the rounded 万元, so 99,999,999 reads 1.00亿元, not 10,000.00万元.
    if abs(wan) >= TEN_THOUSAND:
        return yuan_to_yi(value, grouping)
    return yuan_to_wan(value, grouping)


def count(value: int | None, word: str) -> str:
    """A count with its measure word: 24家, 3项."""
    if value is None:
        return "—"
    return f"{value}{word}"


PERCENT = "%"


def ratio(value: Decimal | None, places: int | None = 2) -> str:
    """A percentage. Computed ones (the default) two decimals, rounded half up: 27.21%.
    A published figure keeps the precision it was published with: `places=None` writes the
    Decimal as it carries it (Decimal("11.4") is 11.4%, not 11.40%), or give the published
    number of places."""
    if value is None:
        return "—"
    value = Decimal(value)
    if places is None:
        return f"{value}%"
    return f"{value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)}%"


def number(
    value: Decimal | int | None, unit: str, places: int | None = 2, grouping: bool = True
) -> str:
    """The one rule for writing a figure, by its unit: 元 an amount (万元 / 亿元), % a
    percentage (`places` as in `ratio`), anything else a count with that measure word."""
    if unit == "元":
        return amount(value, grouping)
    if unit == PERCENT:
        return ratio(value, places)
    return count(value, unit)

"""How money, percentages and personal data are shown to users."""

from decimal import ROUND_HALF_UP, Decimal

TEN_THOUSAND = Decimal(10_000)
HUNDRED_MILLION = Decimal(100_000_000)
TWO_PLACES = Decimal("0.01")


def percent(value: Decimal | None) -> str:
    """A computed percentage: two decimals, rounded half up (see `ratio` for published ones)."""
    return ratio(value)


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


def amount(value: Decimal | None) -> str:
    """Yuan as the bureau writes an amount, on every page, in the CLI and in the report:
    from 1亿元 up in 亿元, below in 万元, two decimals rounded half up, no thousands
    separators (2119.85万元, 1.08亿元; a firm's 60亿元 revenue is 60.00亿元)."""
    if value is None:
        return "—"
    wan = (Decimal(value) / TEN_THOUSAND).quantize(TWO_PLACES, ROUND_HALF_UP)
    # Decided on the rounded 万元, so 99,999,999 reads 1.00亿元, not 10000.00万元.
    if abs(wan) >= TEN_THOUSAND:
        yi = (Decimal(value) / HUNDRED_MILLION).quantize(TWO_PLACES, ROUND_HALF_UP)
        return f"{yi}亿元"
    return f"{wan}万元"


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


def number(value: Decimal | int | None, unit: str, places: int | None = 2) -> str:
    """The one rule for writing a figure, by its unit: 元 an amount (万元 / 亿元), % a
    percentage (`places` as in `ratio`), anything else a count with that measure word."""
    if unit == "元":
        return amount(value)
    if unit == PERCENT:
        return ratio(value, places)
    return count(value, unit)

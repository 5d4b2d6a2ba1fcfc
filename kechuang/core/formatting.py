"""How money, percentages and personal data are shown to users."""

from decimal import ROUND_HALF_UP, Decimal

TEN_THOUSAND = Decimal(10_000)
HUNDRED_MILLION = Decimal(100_000_000)
TWO_PLACES = Decimal("0.01")


def yuan_to_wan(amount: Decimal | None) -> str:
    """Yuan as 万元 with two decimals, the bureau's precision."""
    if amount is None:
        return "—"
    return f"{(Decimal(amount) / TEN_THOUSAND).quantize(TWO_PLACES, ROUND_HALF_UP):,}万元"


def yuan_to_yi(amount: Decimal | None) -> str:
    """Yuan as 亿元 with two decimals."""
    if amount is None:
        return "—"
    return f"{(Decimal(amount) / HUNDRED_MILLION).quantize(TWO_PLACES, ROUND_HALF_UP):,}亿元"


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


def amount(value: Decimal | None) -> str:
    """Yuan as the bureau writes an amount: from 1亿元 up in 亿元, below in 万元."""
    if value is None:
        return "—"
    wan = (Decimal(value) / TEN_THOUSAND).quantize(TWO_PLACES, ROUND_HALF_UP)
    # Decided on the rounded 万元, so 99,999,999 reads 1.00亿元, not 10,000.00万元.
    if abs(wan) >= TEN_THOUSAND:
        return yuan_to_yi(value)
    return yuan_to_wan(value)


def count(value: int | None, word: str) -> str:
    """A count with its measure word: 24家, 3项."""
    if value is None:
        return "—"
    return f"{value}{word}"

"""Validators of national codes."""

import operator

from django.core.exceptions import ValidationError

# GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》: 31 characters (no I, O, Z, S, V)
# and the weights of positions 1–17; check = 31 − (Σ value × weight mod 31), 31 → 0.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


USCC_VALUES = {c: i for i, c in enumerate(USCC_CHARSET)}
USCC_SET = frozenset(USCC_CHARSET)


def uscc_check_char(first17: str) -> str:
    if len(first17) != len(USCC_WEIGHTS):
        raise ValueError("17 characters expected")
    total = sum(map(operator.mul, map(USCC_VALUES.__getitem__, first17), USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    """Raises a Chinese ValidationError unless value is a valid unified social credit code."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为18位，实际为{len(code)}位", code="length")
    bad = sorted(set(code) - USCC_SET)
    if bad:
        raise ValidationError(
            f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）",
            code="charset",
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            "统一社会信用代码第3—8位应为登记管理机关行政区划码（数字）", code="region"
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            f"统一社会信用代码校验位错误：第18位应为 {expected}，实际为 {code[17]}", code="check"
        )

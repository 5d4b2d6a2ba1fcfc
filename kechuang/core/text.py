"""Text as users type or upload it: NFC-normalised on input, and no invisible characters
in names and codes, so two records cannot differ only by what nobody can see."""

import re
import unicodedata

from django.core.exceptions import ValidationError

# Characters that render as nothing or reorder what follows: zero-width space/joiners,
# word joiner, byte-order mark, bidirectional embeddings/overrides and isolates.
INVISIBLE = "\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069"
# C0 controls except tab, line feed and carriage return; DEL and C1 controls.
CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"

_NAME_BAD = re.compile(f"[{INVISIBLE}{CONTROL}\t\n\r]")
_TEXT_BAD = re.compile(f"[{CONTROL}]")

_NAMES = {
    "\u200b": "零宽空格",
    "\u200c": "零宽不连字",
    "\u200d": "零宽连字",
    "\u2060": "零宽不换行",
    "\ufeff": "字节顺序标记",
    "\t": "制表符",
    "\n": "换行符",
    "\r": "回车符",
}


def normalize_text(value):
    """NFC of a string (anything else unchanged): the one spelling of what a user typed."""
    if isinstance(value, str) and not value.isascii():
        return unicodedata.normalize("NFC", value)
    return value


def normalize_data(data):
    """A form's submitted data with every text NFC-normalised (a QueryDict stays one)."""
    if hasattr(data, "setlist"):
        copy = data.copy()
        for key, values in data.lists():
            copy.setlist(key, [normalize_text(value) for value in values])
        return copy
    return {key: normalize_text(value) for key, value in data.items()}


def strip_control(value: str) -> str:
    """The text without control characters (tab and line breaks kept)."""
    return _TEXT_BAD.sub("", value)


def describe_char(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if char in _NAMES:
        return f"{code}（{_NAMES[char]}）"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return f"{code}（双向文字控制符）"
    return f"{code}（控制字符）"


def validate_clean_name(value) -> None:
    """Names and codes: no invisible, bidirectional or control character, and NFC."""
    if not isinstance(value, str):
        return
    bad = _NAME_BAD.search(value)
    if bad:
        raise ValidationError(
            f"含有不可见字符 {describe_char(bad.group())}，名称和代码中不允许，请删除后重新填写",
            code="invisible",
        )
    if normalize_text(value) != value:
        raise ValidationError(
            "字符未按 Unicode NFC 规范化（同一个字有两种写法），请重新输入", code="nfc"
        )


def validate_clean_text(value) -> None:
    """Free text (addresses, descriptions): no control character other than tab and line breaks."""
    if not isinstance(value, str):
        return
    bad = _TEXT_BAD.search(value)
    if bad:
        raise ValidationError(
            f"含有控制字符 {describe_char(bad.group())}，请删除后重新填写", code="control"
        )

"""Record URLs without a full reverse() each: a list page links every row to its record.

reverse() walks the resolver for every call; a record page's URL differs only in its key, so
the URL is reversed once per process (and script prefix) with a marker key, which each call
replaces. Only for URL patterns whose one argument is an integer key.
"""

from functools import lru_cache

from django.urls import get_script_prefix, reverse

_MARKER = 987654321


@lru_cache(maxsize=256)
def _template(name: str, prefix: str) -> tuple[str, str]:
    head, marker, tail = reverse(name, args=[_MARKER]).partition(str(_MARKER))
    if not marker:
        raise ValueError(f"{name} does not take an integer key")
    return head, tail


def record_url(name: str, pk: int) -> str:
    """reverse(name, args=[pk]) for a pattern like "<int:pk>/"."""
    head, tail = _template(name, get_script_prefix())
    return f"{head}{int(pk)}{tail}"

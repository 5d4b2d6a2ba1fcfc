"""Deadline and expiry alerts of the ladder."""


def home_widgets(user) -> list[dict]:
    return []  # placeholder: filled by the alerts work of issue 3

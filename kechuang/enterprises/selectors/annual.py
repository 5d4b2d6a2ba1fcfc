"""Read queries of the annual part."""


def record_sections(enterprise, user) -> list[dict]:
    return []  # placeholder: filled by issue 3

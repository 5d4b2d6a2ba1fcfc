"""Read queries of the pool part."""


def record_sections(enterprise, user) -> list[dict]:
    return []  # placeholder: filled by issue 3

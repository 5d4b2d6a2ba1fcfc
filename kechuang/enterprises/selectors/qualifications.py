"""Read queries of the qualifications part."""


def record_sections(enterprise, user) -> list[dict]:
    return []  # placeholder: filled by issue 3

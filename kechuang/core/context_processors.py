"""Navigation shown in the base layout, by role."""

from kechuang.core.choices import READ_ONLY_REGION_ROLES, Role
from kechuang.core.scoping import is_bureau


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    bureau = is_bureau(user)
    return {
        "nav_is_bureau": bureau,
        "nav_may_screen": bureau or user.role == Role.LIAISON,
        "nav_sees_region": bureau
        or user.role == Role.LIAISON
        or user.role in READ_ONLY_REGION_ROLES,
        "nav_is_enterprise": user.role == Role.ENTERPRISE,
    }

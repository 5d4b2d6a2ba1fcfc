"""Navigation shown in the base layout, by role."""

from kechuang.core.scoping import is_bureau


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_is_bureau": is_bureau(user)}

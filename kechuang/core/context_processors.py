"""Navigation shown in the base layout, by role."""

from django.urls import get_script_prefix, reverse

from kechuang.core.choices import READ_ONLY_REGION_ROLES, Role
from kechuang.core.scoping import is_bureau

# The pages base.html links to; the template reads them as nav_url.<name with _ for : and ->.
NAV_URL_NAMES = (
    "api-docs",
    "core:apitoken_list",
    "core:auditevent_list",
    "core:home",
    "core:logout",
    "core:password_change",
    "challenges:challenge_list",
    "eligibility:screening",
    "eligibility:self_check",
    "enterprises:alert_deadlines",
    "enterprises:enterprise_list",
    "enterprises:plaque_list",
    "enterprises:poolentry_funnel",
    "enterprises:poolentry_list",
    "enterprises:qualification_counts",
    "enterprises:qualification_list",
    "enterprises:tier_list",
    "enterprises:visit_list",
    "liaison:cadre_table",
    "indicators:dashboard",
    "institutions:institution_list",
    "loans:loan_list",
    "platforms:platform_list",
    "talent:project_list",
    "support:disbursement_list",
    "commissioners:commissioner_list",
    "commissioners:request_list",
    "projects:milestone_alerts",
    "projects:program_list",
    "projects:project_list",
    "reports:report",
    "transfer:achievement_list",
    "transfer:chain_list",
    "transfer:contract_list",
    "transfer:demand_list",
    "transfer:event_list",
    "transfer:match_pipeline",
    "workplan:plan_list",
)
# Script prefix -> {key: url}. The URLs never change while the process runs, and reversing
# some 25 of them on every page cost more than the rest of the layout.
_nav_urls: dict[str, dict[str, str]] = {}


def nav_urls() -> dict[str, str]:
    prefix = get_script_prefix()
    urls = _nav_urls.get(prefix)
    if urls is None:
        urls = {name.replace(":", "_").replace("-", "_"): reverse(name) for name in NAV_URL_NAMES}
        _nav_urls[prefix] = urls
    return urls


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    bureau = is_bureau(user)
    return {
        "nav_url": nav_urls(),
        "nav_is_bureau": bureau,
        "nav_may_screen": bureau or user.role == Role.LIAISON,
        "nav_sees_region": bureau
        or user.role == Role.LIAISON
        or user.role in READ_ONLY_REGION_ROLES,
        "nav_is_enterprise": user.role == Role.ENTERPRISE,
    }

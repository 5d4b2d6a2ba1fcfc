"""URLs of technology transfer (namespace "transfer"). Chains and events come from their own
view modules, added when those modules provide them."""

import importlib

from django.urls import path

from kechuang.transfer.views import achievements, contracts, demands, matches

app_name = "transfer"

urlpatterns = [
    path("demands/", demands.demand_list, name="demand_list"),
    path("demands/new/", demands.demand_create, name="demand_create"),
    path("demands/<int:pk>/", demands.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/edit/", demands.demand_edit, name="demand_edit"),
    path("demands/<int:pk>/status/", demands.demand_transition, name="demand_transition"),
    path("demands/<int:pk>/accept/", matches.match_accept, name="match_accept"),
    path("demands/<int:pk>/reject/", matches.match_reject, name="match_reject"),
    path("achievements/", achievements.achievement_list, name="achievement_list"),
    path("achievements/new/", achievements.achievement_create, name="achievement_create"),
    path("achievements/<int:pk>/", achievements.achievement_detail, name="achievement_detail"),
    path("achievements/<int:pk>/edit/", achievements.achievement_edit, name="achievement_edit"),
    path("matches/", matches.match_pipeline, name="match_pipeline"),
    path("matches/<int:pk>/status/", matches.match_transition, name="match_transition"),
    path("contracts/", contracts.contract_list, name="contract_list"),
    path("contracts/new/", contracts.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", contracts.contract_edit, name="contract_edit"),
]


def _optional(module_name: str):
    try:
        return importlib.import_module(f"kechuang.transfer.views.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"kechuang.transfer.views.{module_name}":
            raise
        return None


# (module, view name, route) of the chains and events pages, written alongside this app.
OPTIONAL_ROUTES = [
    ("chains", "chain_list", "chains/"),
    ("chains", "chain_detail", "chains/<int:pk>/"),
    ("chains", "chain_map_data", "chains/<int:pk>/map/"),
    ("events", "event_list", "events/"),
    ("events", "event_create", "events/new/"),
    ("events", "event_detail", "events/<int:pk>/"),
    ("events", "event_edit", "events/<int:pk>/edit/"),
]
for _module_name, _view, _route in OPTIONAL_ROUTES:
    _module = _optional(_module_name)
    if _module is not None and hasattr(_module, _view):
        urlpatterns.append(path(_route, getattr(_module, _view), name=_view))

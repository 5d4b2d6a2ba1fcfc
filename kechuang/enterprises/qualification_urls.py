"""URLs of qualifications, tiers, plaques, counts and annual figures (app namespace
"enterprises")."""

from django.urls import path

from kechuang.enterprises.views import annual, qualifications

urlpatterns = [
    path("qualifications/", qualifications.qualification_list, name="qualification_list"),
    path(
        "qualifications/counts/",
        qualifications.qualification_counts,
        name="qualification_counts",
    ),
    path("qualifications/plaques/", qualifications.plaque_list, name="plaque_list"),
    path(
        "qualifications/plaques/delivered/",
        qualifications.plaquedelivery_list,
        name="plaquedelivery_list",
    ),
    path(
        "qualifications/<int:pk>/plaque/",
        qualifications.plaque_deliver,
        name="plaque_deliver",
    ),
    path(
        "qualifications/<int:pk>/edit/",
        qualifications.qualification_edit,
        name="qualification_edit",
    ),
    path(
        "<int:pk>/qualifications/new/",
        qualifications.qualification_create,
        name="qualification_create",
    ),
    path("tiers/", qualifications.tier_list, name="tier_list"),
    path("tiers/new/", qualifications.tier_create, name="tier_create"),
    path("tiers/<int:pk>/edit/", qualifications.tier_edit, name="tier_edit"),
    path("<int:pk>/years/new/", annual.enterpriseyear_create, name="enterpriseyear_create"),
    path("years/<int:pk>/edit/", annual.enterpriseyear_edit, name="enterpriseyear_edit"),
]

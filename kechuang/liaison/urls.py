from django.urls import path

from kechuang.liaison import views

app_name = "liaison"

urlpatterns = [
    path("", views.cadre_table, name="cadre_table"),
    path("links/", views.link_list, name="link_list"),
    path("links/new/", views.link_create, name="link_create"),
    path("links/<int:pk>/", views.link_detail, name="link_detail"),
    path("links/<int:pk>/edit/", views.link_edit, name="link_edit"),
    path("links/<int:pk>/end/", views.link_end, name="link_end"),
]

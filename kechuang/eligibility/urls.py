from django.urls import path

from kechuang.eligibility import views

app_name = "eligibility"

urlpatterns = [
    path("screening/", views.screening_page, name="screening"),
    path("screening/export/", views.screening_export, name="screening_export"),
    path("self-check/", views.self_check, name="self_check"),
    path("self-check/<int:pk>/", views.self_check, name="self_check_enterprise"),
]

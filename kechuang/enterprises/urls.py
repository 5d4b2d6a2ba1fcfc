from django.urls import include, path

from kechuang.core.attachment_views import attachment_urls
from kechuang.enterprises import pool_urls, qualification_urls
from kechuang.enterprises.models import Enterprise, PlaqueDelivery
from kechuang.enterprises.views import registry as views

app_name = "enterprises"

urlpatterns = (
    [
        path("", views.enterprise_list, name="enterprise_list"),
        path("new/", views.enterprise_create, name="enterprise_create"),
        path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
        path("<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    ]
    + qualification_urls.urlpatterns
    + pool_urls.urlpatterns
    + attachment_urls(Enterprise)
    # a delivery's id would clash with a firm's under the same path
    + [path("plaques/", include(attachment_urls(PlaqueDelivery)))]
)

from django.urls import path

from kechuang.core.attachment_views import attachment_urls
from kechuang.loans import views
from kechuang.loans.models import LoanRecommendation

app_name = "loans"

urlpatterns = [
    path("", views.loan_list, name="loan_list"),
    path("new/", views.loan_create, name="loan_create"),
    path("<int:pk>/", views.loan_detail, name="loan_detail"),
    path("<int:pk>/edit/", views.loan_edit, name="loan_edit"),
    path("<int:pk>/status/", views.loan_transition, name="loan_transition"),
    *attachment_urls(LoanRecommendation),
]

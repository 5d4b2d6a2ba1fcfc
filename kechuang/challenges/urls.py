from django.urls import include, path

from kechuang.challenges import views
from kechuang.challenges.models import Bid, Challenge
from kechuang.core.attachment_views import attachment_urls

app_name = "challenges"

bid_patterns = [
    path("", views.bid_list, name="bid_list"),
    path("<int:pk>/", views.bid_detail, name="bid_detail"),
    path("<int:pk>/edit/", views.bid_edit, name="bid_edit"),
    path("<int:pk>/status/", views.bid_transition, name="bid_transition"),
    path("<int:pk>/review/", views.review_edit, name="review_edit"),
    path("<int:pk>/contract/", views.bid_contract, name="bid_contract"),
    path("<int:pk>/project/", views.bid_project, name="bid_project"),
    *attachment_urls(Bid),
]

urlpatterns = [
    # Public (middleware.PUBLIC_PREFIXES): the challenges taking bids, public fields only.
    path("open/", views.open_list, name="open_list"),
    path("open/<int:pk>/", views.open_detail, name="open_detail"),
    path("", views.challenge_list, name="challenge_list"),
    path("new/", views.challenge_create, name="challenge_create"),
    path("<int:pk>/", views.challenge_detail, name="challenge_detail"),
    path("<int:pk>/edit/", views.challenge_edit, name="challenge_edit"),
    path("<int:pk>/status/", views.challenge_transition, name="challenge_transition"),
    path("<int:pk>/bid/", views.bid_create, name="bid_create"),
    path("<int:pk>/reviewers/", views.reviewer_assign, name="reviewer_assign"),
    path("reviewers/<int:pk>/delete/", views.reviewer_remove, name="reviewer_remove"),
    path("lists/", views.challengelist_list, name="challengelist_list"),
    path("lists/new/", views.challengelist_create, name="challengelist_create"),
    path("lists/<int:pk>/edit/", views.challengelist_edit, name="challengelist_edit"),
    path("lists/<int:pk>/publish/", views.challengelist_publish, name="challengelist_publish"),
    path("bids/", include(bid_patterns)),
    *attachment_urls(Challenge),
]

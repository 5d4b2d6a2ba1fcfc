"""URLs of the qualification_urls part of the enterprise app."""

urlpatterns: list = []

"""URLs of the pool_urls part of the enterprise app."""

urlpatterns: list = []

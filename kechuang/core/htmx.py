"""List pages: whether a request gets the whole page or only a fragment, and the page of a list."""

from django.core.paginator import Paginator
from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def page_or_fragment(request: HttpRequest, page: str, fragment: str) -> str:
    return fragment if is_htmx(request) else page


def paginate(request: HttpRequest, queryset, size: int = 30):
    """The requested page of a list and the list's query string without `page` (for the
    pagination links, htmx/pagination.html)."""
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()

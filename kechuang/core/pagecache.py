"""Whole-response cache for signed-in reads, invalidated by a database-wide data version.

Every transaction that writes replaces the token of `DataVersion` when it commits: any INSERT,
UPDATE or DELETE through Django's connections (the ORM, raw cursors, `executemany`), and the
PostgreSQL COPY paths of `core.bulk` (which call `changed()`). A cached response is keyed by that
token, so it is never served once the data under it changed — in any process, on any machine
sharing the database. The key also holds the user, the session, the CSRF cookie, today's date
(deadlines read by day), the full path and the headers a view may answer differently to.

Only GET/HEAD with status 200, HTML or JSON, no cookie set and no `no-store` are kept, and never
while the request's own connection has an uncommitted write (a test's wrapping transaction, a
view that wrote during a GET). Responses go to the per-process `pages` cache (local memory).
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import DatabaseError, connection, connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse

from kechuang.core import clock

TOKEN_TABLE = "core_dataversion"
# Tables whose writes do not change what any page shows: the version itself, the cache table
# (API throttle counts) and the failed-login counters.
UNTRACKED_TABLES = (TOKEN_TABLE, "kechuang_cache", "core_logincounter")
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCA")
# Headers a view may answer differently to (htmx fragments, DRF content negotiation).
VARY_HEADERS = ("HX-Request", "HX-Target", "HX-Trigger", "HX-History-Restore-Request", "Accept")
CACHED_TYPES = ("text/html", "application/json")
MAX_BYTES = 2 * 1024 * 1024


# --- writes -----------------------------------------------------------------------------------


def is_write(sql: str) -> bool:
    head = sql.lstrip()[:96]
    if not head[:6].upper().startswith(WRITE_VERBS):
        return False
    return not any(table in head for table in UNTRACKED_TABLES)


class _Bump:
    """The on-commit callback that replaces the token; recognisable among pending callbacks."""

    def __init__(self, alias: str):
        self.alias = alias

    def __call__(self) -> None:
        from kechuang.core.models import DataVersion

        # Before core's migration has made the table there is nothing to invalidate.
        # A flushed table (between tests) gets its row back.
        with contextlib.suppress(DatabaseError):
            versions = DataVersion.objects.using(self.alias)
            if not versions.filter(pk=1).update(token=secrets.token_hex(8)):
                versions.get_or_create(pk=1, defaults={"token": secrets.token_hex(8)})


def pending(conn=None) -> bool:
    """Whether this connection's open transaction has written and not yet committed."""
    conn = conn or connection
    return conn.in_atomic_block and any(isinstance(entry[1], _Bump) for entry in conn.run_on_commit)


def changed(conn=None) -> None:
    """Marks data as changed: the token is replaced when the current transaction commits
    (at once outside a transaction)."""
    conn = conn or connection
    if not conn.in_atomic_block:
        _Bump(conn.alias)()
    elif not pending(conn):
        transaction.on_commit(_Bump(conn.alias), using=conn.alias, robust=True)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and is_write(sql):
        changed(context["connection"])
    return result


def _install(sender, connection, **kwargs) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def connect() -> None:
    """Watches every connection, present and future (called from the core app's ready())."""
    connection_created.connect(_install, dispatch_uid="kechuang.core.pagecache")
    for conn in connections.all(initialized_only=True):
        _install(None, conn)


def current_token() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TOKEN_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


# --- reads ------------------------------------------------------------------------------------


def _key(request: HttpRequest, token: str) -> str:
    parts = [
        token,
        clock.today().isoformat(),
        str(request.user.pk),
        request.session.session_key or "",
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        getattr(request, "LANGUAGE_CODE", ""),
        request.method,
        request.get_full_path(),
        *(request.headers.get(name, "") for name in VARY_HEADERS),
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _request_cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or "Range" in request.headers:
        return False
    if request.path.startswith(tuple(settings.PAGE_CACHE_SKIP_PREFIXES)):
        return False
    if not request.user.is_authenticated:
        return False
    # Flash messages waiting to be shown belong to this one response.
    if CookieStorage.cookie_name in request.COOKIES:
        return False
    return "_messages" not in request.session


def _response_cacheable(response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if "no-store" in response.get("Cache-Control", "") or response.has_header(
        "Content-Disposition"
    ):
        return False
    kind = response.get("Content-Type", "").split(";")[0].strip()
    return kind in CACHED_TYPES and len(response.content) <= MAX_BYTES


def _freeze(response: HttpResponse) -> tuple:
    headers = [
        (k, v) for k, v in response.items() if k.lower() not in ("set-cookie", "x-page-cache")
    ]
    return response.status_code, headers, response.content


def _thaw(frozen: tuple) -> HttpResponse:
    status, headers, content = frozen
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


class PageCacheMiddleware:
    """Innermost middleware: answers a repeated signed-in read from the cache (see module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not _request_cacheable(request) or pending():
            return self.get_response(request)
        token = current_token()
        if token is None:
            return self.get_response(request)
        store = caches["pages"]
        key = _key(request, token)
        frozen = store.get(key)
        if frozen is not None:
            response = _thaw(frozen)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _response_cacheable(response) and not pending():
            store.set(key, _freeze(response), seconds)
            response["X-Page-Cache"] = "miss"
        return response

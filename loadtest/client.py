"""A signed-in session over one keep-alive HTTP/1.1 connection (http.client), light enough that
fifty of them in threads do not become the bottleneck of the server they measure."""

from __future__ import annotations

import http.client
import re
import urllib.parse
from http.cookies import SimpleCookie

CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# A connection the server closed while idle fails on its next request: try once more.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Session:
    def __init__(self, host: str, port: int, timeout: float = 60):
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)
        self.cookies: dict[str, str] = {}
        # Whether the last answer came from the page cache (its X-Page-Cache header).
        self.cache_hit = False

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, str]:
        """(status, body, location) of one request; cookies are kept as a browser would."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            reused = self.conn.sock is not None
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except STALE:
                self.conn.close()
                if not reused or attempt == 2:
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        self.cache_hit = response.getheader("X-Page-Cache") == "hit"
        if response.will_close:
            self.conn.close()
        return response.status, data, response.getheader("Location", "")

    def get(self, path: str) -> tuple[int, bytes]:
        status, data, _ = self.request("GET", path)
        return status, data

    def login(self, username: str, password: str) -> None:
        status, page = self.get("/login/")
        match = CSRF_FIELD.search(page)
        if status != 200 or not match:
            raise RuntimeError(f"登录页异常（状态 {status}）")
        form = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": match.group(1).decode(),
            }
        ).encode()
        status, _, location = self.request(
            "POST", "/login/", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "/login/" in location:
            raise RuntimeError(f"{username} 登录失败（状态 {status}）")

    def close(self) -> None:
        self.conn.close()

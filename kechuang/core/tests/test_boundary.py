"""The boundary test: every page and every API operation, for every role of the cast, with
the records outside that user's scope (see boundary.py). Reads of such a record are refused
(403/404, or 405 where the endpoint takes no such method); writes are refused too and change
nothing (row counts and audit events); list pages and exports never show one of them.
Endpoints come from the URL patterns and the OpenAPI schema, so a new one is walked without
new test code; the public ones are those of `middleware.PUBLIC_URL_NAMES`."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.db import transaction
from django.urls import resolve

from kechuang.core import excel
from kechuang.core.middleware import PUBLIC_URL_NAMES
from kechuang.core.tests import boundary
from kechuang.core.tests.cast import CastTestCase

REFUSED = {403, 404, 405}
ROLES = (
    "staff",
    "leader",
    "liaison_a",
    "liaison_b",
    "ent_user_a",
    "inst_user",
    "commissioner",
    "viewer",
)
# Pages that only sign in or out: walked anonymously, not per role.
SIGN_IN_OUT = {"core:login", "core:logout"}


def _text(response) -> str:
    """What a person would read in a response: the page, the JSON or the workbook's cells."""
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        rows = book.get_sheet_by_index(0).to_python()
        return " ".join(" ".join(str(cell) for cell in row) for row in rows)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


class BoundaryTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.outside = boundary.build_outside(cls)
        cls.by_pk = {(type(o), o.pk): o for o in cls.outside}

    @pytest.fixture(autouse=True)
    def _properties(self, record_property):
        self.record_property = record_property

    # --- what each user may not see or change -----------------------------------------------

    def hidden(self, user) -> list:
        return [
            o for o in self.outside if not type(o).objects.visible_to(user).filter(pk=o.pk).exists()
        ]

    def read_only(self, user) -> list:
        return [
            o
            for o in self.outside
            if type(o).objects.visible_to(user).filter(pk=o.pk).exists()
            and not type(o).objects.editable_by(user).filter(pk=o.pk).exists()
        ]

    @staticmethod
    def tokens(records) -> set[str]:
        return {
            m.group(0)
            for o in records
            for m in re.finditer(boundary.TOKEN + r"[^\s<\"'，、）]+", str(o))
        }

    def models_of(self, endpoint):
        """The model whose records a URL takes by id: the one its path or name suggests if
        the superuser reaches its outside record through it, else the first that he does."""
        models = list(dict.fromkeys(type(o) for o in self.outside))
        segment = endpoint.route.split("<int:pk>")[0].strip("/").split("/")[-1]
        words = {segment, segment[:-1], segment[:-2], endpoint.name.split(":")[-1].split("_")[0]}

        def suggested(model) -> bool:
            name = model._meta.model_name
            return any(w and (name == w or name.endswith(w) or name.startswith(w)) for w in words)

        self.client.force_login(self.admin)
        try:
            for model in sorted(models, key=lambda m: not suggested(m)):
                record = next(o for o in self.outside if type(o) is model)
                path = boundary.fill(endpoint.route, {"pk": record.pk})
                with transaction.atomic():
                    response = self.client.get(path)
                    if response.status_code == 405:
                        response = self.client.post(path, {})
                    transaction.set_rollback(True)
                if response.status_code not in (404, 400):
                    return [model]
            return []
        finally:
            self.client.logout()

    # --- checks ---------------------------------------------------------------------------

    def assert_refused_without_change(self, method: str, path: str, data=None, **extra):
        before = boundary.footprint()
        call = getattr(self.client, method.lower())
        if method in {"PUT", "PATCH"}:
            response = call(path, data or {}, content_type="application/json", **extra)
        else:
            response = call(path, data or {}, **extra)
        self.assertIn(
            response.status_code,
            REFUSED,
            f"{self.client.session.get('_auth_user_id')} {method} {path}",
        )
        self.assertEqual(boundary.footprint(), before, f"{method} {path} changed data")
        return response

    def test_every_page_refuses_records_outside_each_users_scope(self):
        tried: Counter = Counter()
        pages = [e for e in boundary.endpoints() if e.name not in SIGN_IN_OUT]
        targets = {
            e.route: self.models_of(e)
            for e in pages
            if "pk" in e.kwargs and e.kwargs != ["app_label", "model_name", "pk"]
        }
        for role in ROLES:
            user = getattr(self, role)
            hidden, read_only = self.hidden(user), self.read_only(user)
            hidden_tokens = self.tokens(hidden)
            self.client.force_login(user)
            for endpoint in pages:
                for path, records in self.paths(endpoint, targets, hidden, read_only):
                    if records is None:  # a page without an id: must not show hidden records
                        response = self.client.get(path)
                        tried[(role, endpoint.name, "GET")] += 1
                        self.assertLess(response.status_code, 500, path)
                        if response.status_code == 200:
                            shown = {t for t in hidden_tokens if t in _text(response)}
                            self.assertFalse(shown, f"{role} GET {path} shows {shown}")
                        continue
                    kind, record = records
                    if kind == "hidden":
                        response = self.assert_refused_without_change("GET", path)
                        self.assertNotIn(str(record), _text(response))
                        tried[(role, endpoint.name, "GET")] += 1
                    before = boundary.footprint()
                    response = self.client.post(path, {})
                    tried[(role, endpoint.name, "POST")] += 1
                    self.assertLess(response.status_code, 500, f"{role} POST {path}")
                    if kind == "hidden":
                        self.assertIn(response.status_code, REFUSED, f"{role} POST {path}")
                    self.assertEqual(boundary.footprint(), before, f"{role} POST {path}")
        self.report("pages", tried)

    def paths(self, endpoint, targets, hidden, read_only):
        """(path, None) for a page without ids, (path, (kind, record)) per outside record."""
        kwargs = endpoint.kwargs
        if not kwargs:
            yield boundary.fill(endpoint.route, {}), None
            return
        if kwargs == ["kind"]:
            for kind in sorted(excel.all_specs()):
                yield boundary.fill(endpoint.route, {"kind": kind}), None
            return
        if kwargs == ["app_label", "model_name", "pk"]:
            for kind, records in (("hidden", hidden), ("read_only", read_only)):
                for record in records:
                    meta = type(record)._meta
                    if not hasattr(type(record), "history"):
                        continue
                    values = {
                        "app_label": meta.app_label,
                        "model_name": meta.model_name,
                        "pk": record.pk,
                    }
                    yield boundary.fill(endpoint.route, values), (kind, record)
            return
        models = targets.get(endpoint.route, [])
        for kind, records in (("hidden", hidden), ("read_only", read_only)):
            for record in records:
                if type(record) in models:
                    yield boundary.fill(endpoint.route, {"pk": record.pk}), (kind, record)

    def test_every_api_operation_refuses_records_outside_each_users_scope(self):
        tried: Counter = Counter()
        operations = boundary.api_operations()
        public = [
            (p, m)
            for p, m, op in operations
            if not op.get("security") or {} in op.get("security", [])
        ]
        for role in ROLES:
            user = getattr(self, role)
            hidden, read_only = self.hidden(user), self.read_only(user)
            hidden_tokens = self.tokens(hidden)
            self.client.force_login(user)
            for path, method, _operation in operations:
                if (path, method) in public:
                    continue
                params = re.findall(r"{(\w+)}", path)
                if not params:
                    if method == "GET":
                        response = self.client.get(path)
                        self.assertLess(response.status_code, 500, path)
                        if response.status_code == 200:
                            shown = {t for t in hidden_tokens if t in _text(response)}
                            self.assertFalse(shown, f"{role} GET {path} shows {shown}")
                    elif method == "POST":
                        self.api_create_with_outside_links(path, user, hidden)
                    tried[(role, path, method)] += 1
                    continue
                model = self.api_model(path)
                for kind, records in (("hidden", hidden), ("read_only", read_only)):
                    for record in records:
                        if type(record) is not model:
                            continue
                        url = re.sub(r"{\w+}", str(record.pk), path, count=1)
                        if kind == "read_only" and method == "GET":
                            continue
                        body = None
                        if method in {"PUT", "PATCH"}:
                            body = self.representation(url)
                            self.client.force_login(user)
                        self.assert_refused_without_change(method, url, body)
                        tried[(role, path, method)] += 1
        self.report("api", tried)

    def api_model(self, path: str):
        match = resolve(re.sub(r"{\w+}", "1", path, count=1))
        view = getattr(match.func, "cls", None)
        queryset = getattr(view, "queryset", None)
        if queryset is not None:
            return queryset.model
        serializer = getattr(view, "serializer_class", None)
        meta = getattr(serializer, "Meta", None)
        return getattr(meta, "model", None)

    def representation(self, url: str) -> dict:
        """The record as the superuser reads it: a valid body for PUT and PATCH."""
        self.client.force_login(self.admin)
        response = self.client.get(url)
        body = response.json() if response.status_code == 200 else {}
        return body

    def api_create_with_outside_links(self, path: str, user, hidden) -> None:
        """POST to a list endpoint a body linking records the user may not see: refused with
        403, or 400 naming every one of those links (the body is an outside record's own, so
        its unique fields clash too: the links must be named beside them); nothing written."""
        model = self.api_model(path)
        record = next((o for o in self.outside if type(o) is model), None)
        if record is None:
            self.client.force_login(user)
            self.assert_refused_or_invalid("POST", path, {})
            return
        list_path = path
        body = self.representation(f"{list_path}{record.pk}/")
        self.client.force_login(user)
        hidden_keys = set()
        for field in model._meta.fields:
            if field.is_relation and field.name in body:
                target = getattr(record, field.name, None)
                if target is not None and target in hidden:
                    hidden_keys.add(field.name)
        response = self.assert_refused_or_invalid("POST", path, body)
        if response.status_code == 400 and hidden_keys:
            missing = hidden_keys - set(response.json())
            self.assertFalse(
                missing, f"POST {path}: 400 without naming {missing}: {response.json()}"
            )

    def assert_refused_or_invalid(self, method, path, body):
        before = boundary.footprint()
        response = self.client.post(path, body, content_type="application/json")
        self.assertIn(response.status_code, REFUSED | {400}, f"POST {path}: {response.content}")
        self.assertEqual(boundary.footprint(), before, f"POST {path} changed data")
        return response

    def test_only_the_listed_endpoints_answer_anonymous_users(self):
        self.client.logout()
        for endpoint in boundary.endpoints():
            if endpoint.kwargs or endpoint.name in PUBLIC_URL_NAMES:
                continue
            path = boundary.fill(endpoint.route, {})
            response = self.client.get(path)
            self.assertIn(response.status_code, {302, 401, 403}, path)
            if response.status_code == 302:
                self.assertIn("/login/", response["Location"])
        for path, method, _operation in boundary.api_operations():
            name = resolve(re.sub(r"{\w+}", "1", path)).url_name
            if name in PUBLIC_URL_NAMES:
                continue
            url = re.sub(r"{\w+}", "1", path)
            response = getattr(self.client, method.lower())(url)
            self.assertIn(response.status_code, {302, 401, 403}, f"{method} {path}")
            if response.status_code == 302:
                self.assertIn("/login/", response["Location"])

    def report(self, what: str, tried: Counter) -> None:
        combos = len(tried)
        requests = sum(tried.values())
        line = (
            f"boundary {what}: {combos} (role, endpoint, method) combinations, {requests} requests"
        )
        self.record_property("boundary", line)
        self.assertGreater(combos, 0)

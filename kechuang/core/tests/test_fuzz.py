"""A small budget of `make fuzz` in the suite: every operation of the OpenAPI schema, a few
generated requests each, as bureau staff and as a firm's user, through the WSGI app. No
response may be a server error, and every response (status, content type, body) must be one
the schema describes."""

from __future__ import annotations

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from kechuang.core import services
from kechuang.core.tests.cast import CastTestCase

EXAMPLES = 3
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class FuzzTest(CastTestCase):
    def setUp(self):
        # As Django's test client does: requests must not close the test's connection (on
        # PostgreSQL that would end the test's transaction).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        self.addCleanup(request_started.connect, close_old_connections)
        self.addCleanup(request_finished.connect, close_old_connections)

    def test_every_operation_answers_as_the_schema_says(self):
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertGreater(len(operations), 50)
        failures = []
        for user in (self.staff, self.ent_user_a):
            _, key = services.apitoken_create(actor=user, user=user, name="fuzz")
            headers = {"Authorization": f"Token {key}"}
            for operation in operations:
                self.probe(operation, user, headers, failures)
        self.assertEqual(failures, [], "\n\n".join(failures[:10]))
        self.assertGreater(self.calls, len(operations))

    calls = 0

    def probe(self, operation, user, headers, failures) -> None:
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            type(self).calls += 1
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except BaseExceptionGroup as exc:  # every failed check, named with its operation
                failures.append(f"{user.username} {operation.label}: {exc}"[:600])

        run()

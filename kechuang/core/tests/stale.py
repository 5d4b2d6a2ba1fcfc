"""One check every edit page shares: a form opened before someone else saved is refused."""

from __future__ import annotations

import datetime

from kechuang.core.concurrency import STALE_MESSAGE, VERSION_FIELD, record_version


def posted(form) -> dict:
    """What a browser posts for `form` as the page rendered it."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, list | tuple):
            value = [str(v) for v in value]
        data[field.html_name] = value
    return data


def assert_stale_form_refused(test, url, record, change, *, user, form="form", extra=None):
    """Opens the edit page of `record` as `user`, lets `change()` save the record meanwhile,
    then posts the form as opened: it must be refused with the message, nothing written."""
    test.client.force_login(user)
    page = test.client.get(url)
    test.assertEqual(page.status_code, 200)
    data = {**posted(page.context[form]), **(extra or {})}
    test.assertTrue(any(name.endswith(VERSION_FIELD) for name in data), "no version field")
    change()
    stored = type(record)._base_manager.get(pk=record.pk)
    before = record_version(stored)
    response = test.client.post(url, data)
    test.assertEqual(response.status_code, 200)
    test.assertEqual(response.context[form].errors, {"__all__": [STALE_MESSAGE]})
    test.assertContains(response, STALE_MESSAGE)
    test.assertEqual(record_version(type(record)._base_manager.get(pk=record.pk)), before)

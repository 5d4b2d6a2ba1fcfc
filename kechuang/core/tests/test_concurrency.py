"""No lost updates: stale edit forms are refused, saves write only changed fields, the API
answers If-Match with 412, and upserts survive a concurrent insert of the same key."""

from __future__ import annotations

import tempfile
import threading
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import IntegrityError, close_old_connections, connection
from django.test import TransactionTestCase, skipUnlessDBFeature
from rest_framework.test import APIRequestFactory, force_authenticate

from kechuang.core import concurrency, excel
from kechuang.core.tests.browser import reload_reference_data
from kechuang.core.tests.cast import CastTestCase, credit_code, xlsx
from kechuang.enterprises.api import EnterpriseViewSet
from kechuang.enterprises.choices import EnterpriseStatus, TechField
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import enterprise_create, enterprise_update

STALE = "该记录已被他人修改，请刷新后再改"


def edit_form(firm: Enterprise, **changes) -> dict:
    """The POST of the enterprise edit page as a browser sends it, with `changes`."""
    data = {
        "credit_code": firm.credit_code,
        "name": firm.name,
        "township": firm.township_id,
        "industry_division": firm.industry_division,
        "founded_on": firm.founded_on.isoformat() if firm.founded_on else "",
        "address": firm.address,
        "contact_person": firm.contact_person,
        "contact_phone": firm.contact_phone,
        "status": firm.status,
        "tech_field": firm.tech_field,
        "above_scale": "on" if firm.above_scale else "",
        "rnd_active": "on" if firm.rnd_active else "",
        "ip_own_rnd": "on" if firm.ip_own_rnd else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


class RecordVersionTest(CastTestCase):
    def test_it_changes_when_a_stored_column_changes_and_only_then(self):
        before = concurrency.record_version(Enterprise.objects.get(pk=self.ent_a.pk))
        self.assertEqual(len(before), 16)
        self.assertEqual(
            before, concurrency.record_version(Enterprise.objects.get(pk=self.ent_a.pk))
        )
        enterprise_update(actor=self.staff, enterprise=self.ent_a, address="鹤城街道1号")
        after = concurrency.record_version(Enterprise.objects.get(pk=self.ent_a.pk))
        self.assertNotEqual(before, after)


class StaleEditFormTest(CastTestCase):
    def open_form(self) -> str:
        self.client.force_login(self.staff)
        response = self.client.get(f"/enterprises/{self.ent_a.pk}/edit/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="_version"')
        return response.context["form"]["_version"].value()

    def test_two_saves_from_the_same_stale_form_leave_one_saved_and_one_refused(self):
        version = self.open_form()
        url = f"/enterprises/{self.ent_a.pk}/edit/"
        first = self.client.post(url, edit_form(self.ent_a, address="第一份", _version=version))
        self.assertEqual(first.status_code, 302)
        history = self.ent_a.history.count()

        second = self.client.post(
            url, edit_form(self.ent_a, contact_phone="13000000000", _version=version)
        )
        self.assertEqual(second.status_code, 200)
        self.assertEqual(list(second.context["form"].non_field_errors()), [STALE])
        self.assertContains(second, STALE)
        stored = Enterprise.objects.get(pk=self.ent_a.pk)
        self.assertEqual((stored.address, stored.contact_phone), ("第一份", "13800001111"))
        self.assertEqual(self.ent_a.history.count(), history)

    def test_a_form_opened_after_the_change_saves(self):
        enterprise_update(actor=self.staff, enterprise=self.ent_a, address="先改的地址")
        version = self.open_form()
        response = self.client.post(
            f"/enterprises/{self.ent_a.pk}/edit/",
            edit_form(
                Enterprise.objects.get(pk=self.ent_a.pk), name="甲阀门新名", _version=version
            ),
        )
        self.assertEqual(response.status_code, 302)
        stored = Enterprise.objects.get(pk=self.ent_a.pk)
        self.assertEqual((stored.name, stored.address), ("甲阀门新名", "先改的地址"))

    def test_a_form_without_a_version_is_not_checked(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            f"/enterprises/{self.ent_a.pk}/edit/", edit_form(self.ent_a, address="无版本")
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Enterprise.objects.get(pk=self.ent_a.pk).address, "无版本")


class ChangedFieldsTest(CastTestCase):
    def test_edits_of_different_fields_from_stale_reads_both_survive(self):
        first_read = Enterprise.objects.get(pk=self.ent_a.pk)
        second_read = Enterprise.objects.get(pk=self.ent_a.pk)
        enterprise_update(actor=self.staff, enterprise=first_read, address="新地址")
        enterprise_update(actor=self.liaison_a, enterprise=second_read, contact_phone="13011112222")
        stored = Enterprise.objects.get(pk=self.ent_a.pk)
        self.assertEqual((stored.address, stored.contact_phone), ("新地址", "13011112222"))
        # The audit trail shows each change against the true state, not a stale copy.
        latest = self.ent_a.history.order_by("-history_id")[0]
        self.assertEqual((latest.address, latest.contact_phone), ("新地址", "13011112222"))
        self.assertEqual(latest.history_user, self.liaison_a)

    def test_a_save_that_changes_nothing_writes_nothing(self):
        history = self.ent_a.history.count()
        enterprise_update(actor=self.staff, enterprise=self.ent_a, address=self.ent_a.address)
        self.assertEqual(self.ent_a.history.count(), history)


class VersionedApiTest(CastTestCase):
    def call(self, method: str, headers=None, **data):
        factory = APIRequestFactory()
        url = f"/api/enterprises/{self.ent_a.pk}/"
        request = getattr(factory, method)(url, data, format="json", headers=headers or {})
        force_authenticate(request, user=self.staff)
        actions = {"get": "retrieve", "patch": "partial_update", "put": "update"}
        view = EnterpriseViewSet.as_view({method: actions[method]})
        return view(request, pk=self.ent_a.pk)

    def test_get_answers_the_version_as_etag(self):
        response = self.call("get")
        version = concurrency.record_version(Enterprise.objects.get(pk=self.ent_a.pk))
        self.assertEqual(response["ETag"], f'"{version}"')

    def test_patch_with_a_stale_if_match_is_refused_with_412(self):
        etag = self.call("get")["ETag"]
        self.assertEqual(self.call("patch", {"If-Match": etag}, address="一").status_code, 200)
        response = self.call("patch", {"If-Match": etag}, contact_phone="13000000000")
        self.assertEqual(response.status_code, 412)
        self.assertEqual(str(response.data["detail"]), STALE)
        self.assertEqual(Enterprise.objects.get(pk=self.ent_a.pk).contact_phone, "13800001111")

    def test_patch_with_the_current_if_match_saves_and_gives_the_new_etag(self):
        etag = self.call("get")["ETag"]
        response = self.call("patch", {"If-Match": etag}, address="二")
        self.assertEqual(response.status_code, 200)
        version = concurrency.record_version(Enterprise.objects.get(pk=self.ent_a.pk))
        self.assertEqual(response["ETag"], f'"{version}"')
        self.assertNotEqual(response["ETag"], etag)

    def test_patch_without_if_match_is_taken(self):
        self.call("get")
        response = self.call("patch", address="三")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Enterprise.objects.get(pk=self.ent_a.pk).address, "三")


class UpsertTest(CastTestCase):
    def test_a_create_beaten_by_a_concurrent_insert_updates_that_row(self):
        code = credit_code(77)
        reads = []

        def lookup():
            # The first read happens before the other writer's insert is visible.
            reads.append(1)
            return None if len(reads) == 1 else Enterprise.objects.filter(credit_code=code).first()

        def write(found):
            if found is not None:
                return enterprise_update(actor=self.staff, enterprise=found, name="后到的导入")
            return enterprise_create(
                actor=self.staff,
                credit_code=code,
                name="后到的导入",
                township=self.township_a,
                industry_division="34",
            )

        enterprise_create(
            actor=self.staff,
            credit_code=code,
            name="先到的导入",
            township=self.township_a,
            industry_division="34",
        )
        saved = concurrency.upsert(lookup, write)
        self.assertEqual(Enterprise.objects.filter(credit_code=code).count(), 1)
        self.assertEqual(Enterprise.objects.get(credit_code=code).name, "后到的导入")
        self.assertEqual(saved.credit_code, code)

    def test_a_genuine_error_is_not_retried(self):
        calls = []

        def write(found):
            calls.append(found)
            return enterprise_create(
                actor=self.staff,
                credit_code=credit_code(78),
                name="",
                township=self.township_a,
                industry_division="34",
            )

        with self.assertRaises(concurrency.ValidationError):
            concurrency.upsert(lambda: None, write)
        self.assertEqual(calls, [None])


class ImportCommandRaceTest(CastTestCase):
    def test_a_write_refused_midway_ends_with_exit_2_and_a_message(self):
        path = Path(tempfile.mkdtemp()) / "firms.xlsx"
        header = ["统一社会信用代码", "企业名称", "所属乡镇（街道）", "行业代码", "状态"]
        path.write_bytes(xlsx(header, [[credit_code(91), "新企业", "鹤城街道", "34", "在营"]]))
        spec = type(excel.get_spec("enterprises"))
        race = IntegrityError("duplicate key value violates unique constraint")
        with (
            mock.patch.object(spec, "save_bulk", side_effect=race),
            self.assertRaises(CommandError) as caught,
        ):
            call_command("import", "enterprises", str(path), user="staff", stderr=StringIO())
        self.assertEqual(caught.exception.returncode, 2)
        self.assertFalse(Enterprise.objects.filter(credit_code=credit_code(91)).exists())


# --- threads: real concurrent writers ------------------------------------------------------

# One value per editable column of a firm; each thread changes one of them.
FIELD_EDITS = {
    "name": "并发改名有限公司",
    "industry_division": "33",
    "above_scale": False,
    "rnd_active": False,
    "founded_on": "2011-01-01",
    "production_started_on": "2016-06-01",
    "address": "并发地址",
    "contact_person": "并发联系人",
    "contact_phone": "13099990000",
    "status": EnterpriseStatus.MOVED_OUT,
    "tech_field": TechField.NEW_MATERIALS,
    "recruited_on": "2023-05-01",
    "ip_own_rnd": False,
    "led_standard": True,
    "national_award_top3": True,
    "provincial_rnd_institution": True,
    "dishonest": True,
    "credit_code": credit_code(55),
}


def run_threads(targets) -> list:
    """Runs each callable in its own thread, all released at once; their errors are returned."""
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait()
            target()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@skipUnlessDBFeature("has_select_for_update")
class ConcurrentWritersTest(TransactionTestCase):
    """Threads with their own database sessions. PostgreSQL only: SQLite's in-memory test
    database is one shared-cache connection, whose table locks do not wait for each other."""

    make_user = CastTestCase.__dict__["make_user"]

    def setUp(self):
        reload_reference_data()
        CastTestCase.__dict__["setUpTestData"].__func__(type(self))

    def _fixture_teardown(self):
        # The flush after each test empties what the data migrations loaded: put it back for
        # the test cases this process runs next.
        super()._fixture_teardown()
        reload_reference_data()

    def test_twenty_concurrent_edits_of_different_fields_lose_none(self):
        from kechuang.core.models import Region

        township_b = Region.objects.get(code="331121101")
        edits = {**FIELD_EDITS, "township": township_b}
        self.assertEqual(len(edits), 19)  # every editable column of a firm

        def edit(name, value):
            # Each writer starts from its own read of the firm, as a page or API call does.
            stale = Enterprise.objects.get(pk=self.ent_a.pk)
            return lambda: enterprise_update(actor=self.admin, enterprise=stale, **{name: value})

        targets = [edit(n, v) for n, v in edits.items()]
        # The twentieth save changes nothing and must not write back stale values either.
        targets.append(edit("address", FIELD_EDITS["address"]))
        errors = run_threads(targets)
        self.assertEqual(errors, [])
        stored = Enterprise.objects.get(pk=self.ent_a.pk)
        for name, value in FIELD_EDITS.items():
            self.assertEqual(str(getattr(stored, name)), str(value), name)
        self.assertEqual(stored.township, township_b)

    def test_two_concurrent_saves_from_one_stale_form_leave_one_saved_one_refused(self):
        version = concurrency.record_version(Enterprise.objects.get(pk=self.ent_a.pk))
        outcomes = []

        def save(address):
            def run():
                stale = Enterprise.objects.get(pk=self.ent_a.pk)
                try:
                    with concurrency.unchanged_since(stale, version):
                        enterprise_update(actor=self.staff, enterprise=stale, address=address)
                    outcomes.append("saved")
                except concurrency.StaleRecord:
                    outcomes.append("refused")

            return run

        self.assertEqual(run_threads([save("甲"), save("乙")]), [])
        self.assertEqual(sorted(outcomes), ["refused", "saved"])
        self.assertIn(Enterprise.objects.get(pk=self.ent_a.pk).address, {"甲", "乙"})

    def test_imports_racing_on_one_new_credit_code_end_in_success_or_a_clear_error(self):
        code = credit_code(90)
        header = ["统一社会信用代码", "企业名称", "所属乡镇（街道）", "行业代码", "状态"]
        folder = Path(tempfile.mkdtemp())
        files = []
        for i in range(4):
            path = folder / f"firms{i}.xlsx"
            path.write_bytes(xlsx(header, [[code, f"抢先企业{i}", "鹤城街道", "34", "在营"]]))
            files.append(path)
        outcomes = []

        def run_import(path):
            def run():
                try:
                    call_command("import", "enterprises", str(path), user="staff")
                    outcomes.append(0)
                except CommandError as exc:
                    outcomes.append(exc.returncode)

            return run

        errors = run_threads([run_import(p) for p in files])
        self.assertEqual(errors, [])  # no traceback: every run ended with exit 0 or 2
        self.assertTrue(set(outcomes) <= {0, 2}, outcomes)
        self.assertIn(0, outcomes)
        self.assertEqual(Enterprise.objects.filter(credit_code=code).count(), 1)

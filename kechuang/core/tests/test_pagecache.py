"""The page cache answers repeated reads, and never once the data under a page changed."""

import pytest
from django.db import connection, transaction
from django.test import Client, TransactionTestCase, override_settings

from kechuang.core import pagecache
from kechuang.core.choices import Role
from kechuang.core.models import DataVersion, Region
from kechuang.core.services import user_create
from kechuang.core.tests.browser import reload_reference_data
from kechuang.core.tests.cast import PASSWORD, credit_code
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import enterprise_create, enterprise_update

LIST = "/enterprises/"


class PageCacheTest(TransactionTestCase):
    """Committed writes (the version changes at commit), so a TransactionTestCase; the flush
    after each test empties what the data migrations loaded, which is then put back."""

    def _fixture_teardown(self):
        super()._fixture_teardown()
        reload_reference_data()

    def setUp(self):
        reload_reference_data()
        self.world = world()

    def test_a_repeated_read_is_answered_from_the_cache(self):
        client = signed_in("staff")
        first = client.get(LIST)
        second = client.get(LIST)
        assert first["X-Page-Cache"] == "miss"
        assert second["X-Page-Cache"] == "hit"
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]

    def test_a_service_write_invalidates_every_process_at_commit(self):
        client = signed_in("staff")
        client.get(LIST)
        before = DataVersion.objects.get().token
        enterprise_update(
            actor=self.world["staff"],
            enterprise=self.world["firms"]["a"],
            name="青田丙阀门有限公司",
        )
        assert DataVersion.objects.get().token != before
        response = client.get(LIST)
        assert response["X-Page-Cache"] == "miss"
        assert "青田丙阀门有限公司" in response.content.decode()

    def test_raw_sql_and_bulk_writes_invalidate(self):
        client = signed_in("staff")
        client.get(LIST)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE enterprises_enterprise SET name = %s WHERE id = %s",
                ["青田丁阀门有限公司", self.world["firms"]["a"].pk],
            )
        assert "青田丁阀门有限公司" in client.get(LIST).content.decode()

        token = DataVersion.objects.get().token
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    credit_code=credit_code(3),
                    name="鹤城戊科技有限公司",
                    township_id=self.world["firms"]["a"].township_id,
                )
            ]
        )
        assert DataVersion.objects.get().token != token

    def test_a_rolled_back_write_changes_nothing_and_a_pending_one_skips_the_cache(self):
        token = DataVersion.objects.get().token
        with pytest.raises(RuntimeError), transaction.atomic():
            Enterprise.objects.filter(pk=self.world["firms"]["a"].pk).update(name="回滚")
            assert pagecache.pending()
            raise RuntimeError
        assert not pagecache.pending()
        assert DataVersion.objects.get().token == token

        client = signed_in("staff")
        client.get(LIST)
        with transaction.atomic():
            Enterprise.objects.filter(pk=self.world["firms"]["a"].pk).update(name="未提交")
            # The connection's own uncommitted write shows, so nothing may be taken from or kept in
            # the cache while it is pending.
            response = client.get(LIST)
            assert "X-Page-Cache" not in response
            assert "未提交" in response.content.decode()

    def test_each_user_has_their_own_pages(self):
        a, b = signed_in("liaison_a"), signed_in("liaison_b")
        assert "青田甲阀门有限公司" in a.get(LIST).content.decode()
        page_b = b.get(LIST)
        assert page_b["X-Page-Cache"] == "miss"
        assert "青田甲阀门有限公司" not in page_b.content.decode()
        assert "温溪乙鞋业有限公司" in b.get(LIST).content.decode()

    def test_a_new_day_and_a_new_session_miss(self):
        client = signed_in("staff")
        client.get(LIST)
        with override_settings(KECHUANG_TODAY="2030-01-01"):
            assert client.get(LIST)["X-Page-Cache"] == "miss"
        assert signed_in("staff").get(LIST)["X-Page-Cache"] == "miss"

    def test_flash_messages_and_fragments_are_not_mixed_up(self):
        client = signed_in("staff")
        client.get(LIST)
        client.cookies["messages"] = "x"
        assert "X-Page-Cache" not in client.get(LIST)
        del client.cookies["messages"]
        fragment = client.get(LIST, headers={"HX-Request": "true"})
        assert fragment["X-Page-Cache"] == "miss"
        assert len(fragment.content) < len(client.get(LIST).content)

    def test_api_reads_are_kept_and_throttle_counts_do_not_invalidate(self):
        client = signed_in("staff")
        token = DataVersion.objects.get().token
        assert client.get("/api/enterprises/")["X-Page-Cache"] == "miss"
        assert client.get("/api/enterprises/")["X-Page-Cache"] == "hit"
        assert DataVersion.objects.get().token == token

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_it_can_be_switched_off(self):
        client = signed_in("staff")
        client.get(LIST)
        assert "X-Page-Cache" not in client.get(LIST)

    def test_anonymous_and_job_pages_are_never_kept(self):
        assert "X-Page-Cache" not in Client().get("/login/")
        client = signed_in("staff")
        assert "X-Page-Cache" not in client.get("/jobs/")


def world():
    county = Region.objects.get(code="331121")
    township_a = Region.objects.get(code="331121001")
    township_b = Region.objects.get(code="331121101")
    admin = user_create(actor=None, username="admin", password=PASSWORD, is_superuser=True)
    users = {
        name: user_create(actor=admin, username=name, password=PASSWORD, role=role, region=region)
        for name, role, region in (
            ("staff", Role.STAFF, county),
            ("liaison_a", Role.LIAISON, township_a),
            ("liaison_b", Role.LIAISON, township_b),
        )
    }
    firms = {
        "a": enterprise_create(
            actor=admin,
            credit_code=credit_code(1),
            name="青田甲阀门有限公司",
            township=township_a,
            industry_division="34",
        ),
        "b": enterprise_create(
            actor=admin,
            credit_code=credit_code(2),
            name="温溪乙鞋业有限公司",
            township=township_b,
            industry_division="19",
        ),
    }
    return {"admin": admin, "firms": firms, **users}


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    client.get(LIST)  # the first page sets the CSRF cookie and is not kept
    return client


def test_writes_are_told_from_reads():
    assert pagecache.is_write('INSERT INTO "enterprises_enterprise" ("name") VALUES (%s)')
    assert pagecache.is_write('  update "core_user" SET "last_login" = %s')
    assert pagecache.is_write('DELETE FROM "transfer_demand" WHERE id = 1')
    assert not pagecache.is_write('SELECT "id" FROM "enterprises_enterprise"')
    assert not pagecache.is_write("SAVEPOINT s1")
    # API throttle counts, failed-login counters and the version itself change no page.
    assert not pagecache.is_write('UPDATE "kechuang_cache" SET "value" = %s')
    assert not pagecache.is_write('UPDATE "core_logincounter" SET "failures" = 1')
    assert not pagecache.is_write('UPDATE "core_dataversion" SET "token" = %s')

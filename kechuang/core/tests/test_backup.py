"""kechuang backup / restore: a round trip into an empty database keeps every table's row count
and the indicators' output (on the suite's engine: SQLite, or PostgreSQL in CI), and damaged,
foreign or newer archives are refused before anything changes.

The restore runs as `kechuang restore` in a subprocess whose DATABASE_URL names a second, empty
database (a temporary SQLite file, or kc_restore_test_<pid> on PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import TestCase, TransactionTestCase, override_settings

from kechuang.core import backup
from kechuang.core.attachments import attach
from kechuang.core.models import Attachment, Region
from kechuang.core.services import user_create
from kechuang.core.tests.browser import reload_reference_data
from kechuang.core.tests.cast import PASSWORD, credit_code
from kechuang.enterprises.services import enterprise_create, enterprise_update
from kechuang.indicators.choices import ValueSource
from kechuang.indicators.models import DataElement, Indicator
from kechuang.indicators.services import data_value_save, target_save

YI = Decimal(100_000_000)
DISK = "django.core.files.storage.FileSystemStorage"
CERTIFICATE = "qualifications/高企证书 2023.pdf"
INDICATORS = ("indicators", "--region", "331121", "--period", "2023-04", "--format", "json")


def counts(cursor, tables) -> dict[str, int]:
    result = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        result[table] = cursor.fetchone()[0]
    return result


def source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return counts(cursor, connection.introspection.table_names(cursor))


def audit_trail(cursor) -> list[tuple]:
    cursor.execute("SELECT id, at, action, object_repr FROM core_auditevent ORDER BY id")
    return [(id_, str(at), *rest) for id_, at, *rest in cursor.fetchall()]


class RestoreTarget:
    """An empty database of the suite's engine, and `kechuang` run against it."""

    def __init__(self, folder: Path):
        self.var = folder / "var"
        self.db_name = f"kc_restore_test_{os.getpid()}"
        if connection.vendor == "sqlite":
            self.path = folder / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            s = connection.settings_dict
            auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/"
            self.url += self.db_name
            with self._server() as server:
                server.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
                server.execute(f'CREATE DATABASE "{self.db_name}"')

    def _server(self, dbname: str = "postgres"):
        import psycopg

        s = connection.settings_dict
        return psycopg.connect(
            dbname=dbname,
            host=s["HOST"] or None,
            port=s["PORT"] or None,
            user=s["USER"] or None,
            password=s["PASSWORD"] or None,
            autocommit=True,
        )

    def drop(self) -> None:
        if connection.vendor == "postgresql":
            with self._server() as server:
                server.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def kechuang(self, *args: str) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kechuang.settings",
            "DATABASE_URL": self.url,
            "KECHUANG_VAR_DIR": str(self.var),
        }
        return subprocess.run(
            [sys.executable, "-m", "kechuang", *args],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
        )

    def query(self, function):
        """function(cursor) on the target database, through the driver, not through Django."""
        if connection.vendor == "sqlite":
            db = sqlite3.connect(self.path)
            try:
                return function(db.cursor())
            finally:
                db.close()
        with self._server(self.db_name) as db:
            return function(db.cursor())

    def counts(self) -> dict[str, int]:
        def read(cursor):
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            else:
                cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            return counts(cursor, [row[0] for row in cursor.fetchall()])

        return self.query(read)


class TemporaryFolderMixin:
    def make_folder(self) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="kechuang-backup-test-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        return folder

    def make_target(self, folder: Path) -> RestoreTarget:
        target = RestoreTarget(folder)
        self.addCleanup(target.drop)
        return target


class RoundTripTest(TemporaryFolderMixin, TransactionTestCase):
    """Committed data (pg_dump reads it from another session), so a TransactionTestCase; the
    flush after it empties what the data migrations loaded, which is then put back."""

    def setUp(self):
        reload_reference_data()

    def _fixture_teardown(self):
        super()._fixture_teardown()
        reload_reference_data()

    def build_records(self) -> Attachment:
        """A small county: users, a firm changed once (history and audit rows) with a file
        attached, indicator values with a target, all through the services."""
        county = Region.objects.get(code="331121")
        admin = user_create(
            actor=None, username="admin", password=PASSWORD, is_superuser=True, is_staff=True
        )
        firm = enterprise_create(
            actor=admin,
            credit_code=credit_code(1),
            name="青田备份阀门有限公司",
            township=Region.objects.get(code="331121001"),
            industry_division="34",
            above_scale=True,
        )
        enterprise_update(actor=admin, enterprise=firm, address="青田县鹤城街道")
        attachment = attach(
            actor=admin,
            record=firm,
            upload=SimpleUploadedFile("高企认定证书.pdf", b"%PDF-1.4 attached"),
            kind="认定文件",
        )
        elements = {e.code: e for e in DataElement.objects.all()}
        data_value_save(
            actor=admin,
            element=elements["tech_dev_expense"],
            region=county,
            period="2023-04",
            value=Decimal("3.38") * YI,
            source=ValueSource.STATS_BUREAU,
            published_yoy=Decimal("40.01"),
        )
        data_value_save(
            actor=admin,
            element=elements["main_revenue"],
            region=county,
            period="2023-04",
            value=100 * YI,
            source=ValueSource.STATS_BUREAU,
        )
        target_save(
            actor=admin,
            indicator=Indicator.objects.get(code="tech_dev_expense"),
            region=county,
            year=2023,
            value=Decimal("11.9") * YI,
        )
        return attachment

    def test_backup_then_restore_into_an_empty_database_keeps_every_count_and_indicator(self):
        folder = self.make_folder()
        media = folder / "media"
        (media / CERTIFICATE).parent.mkdir(parents=True)
        (media / CERTIFICATE).write_bytes(b"%PDF-1.4 certificate")
        storages = {**settings.STORAGES, "attachments": {"BACKEND": DISK}}
        with override_settings(
            MEDIA_ROOT=media, STORAGES=storages, ATTACHMENTS_STORAGE="attachments"
        ):
            attachment = self.build_records()
        before = source_counts()
        self.assertGreater(before["core_auditevent"], 0)
        self.assertGreater(before["enterprises_historicalenterprise"], 1)
        with connection.cursor() as cursor:
            trail = audit_trail(cursor)
        indicators = io.StringIO()
        call_command(*INDICATORS, stdout=indicators)

        archive = folder / "backups" / "kechuang.zip"
        out = io.StringIO()
        with override_settings(MEDIA_ROOT=media):
            call_command("backup", str(archive), "--format", "json", stdout=out)
        self.assertEqual(json.loads(out.getvalue())["rows"], sum(before.values()))
        with zipfile.ZipFile(archive) as zf:
            manifest = json.loads(zf.read("manifest.json"))
        self.assertEqual(manifest["tables"], before)
        self.assertEqual(manifest["engine"], connection.vendor)
        self.assertIn("media/" + CERTIFICATE, manifest["members"])

        target = self.make_target(folder)
        restored = target.kechuang("restore", str(archive), "--format", "json")
        self.assertEqual(restored.returncode, 0, restored.stderr)
        summary = json.loads(restored.stdout)
        self.assertEqual((summary["verified"], summary["media_files"]), (True, 2))
        self.assertEqual(target.counts(), before)
        self.assertEqual(target.query(audit_trail), trail)
        after = target.kechuang(*INDICATORS)
        self.assertEqual(after.returncode, 0, after.stderr)
        self.assertEqual(json.loads(after.stdout), json.loads(indicators.getvalue()))
        self.assertEqual((target.var / "media" / CERTIFICATE).read_bytes(), b"%PDF-1.4 certificate")
        # The attachment's row and its file under the same name: the download serves it.
        restored = target.var / "media" / attachment.file.name
        self.assertEqual(restored.read_bytes(), b"%PDF-1.4 attached")
        self.assertEqual(
            target.query(lambda c: _attachment_row(c, attachment.pk)),
            (attachment.file.name, hashlib.sha256(b"%PDF-1.4 attached").hexdigest()),
        )


def _attachment_row(cursor, pk: int) -> tuple:
    cursor.execute(f"SELECT file, sha256 FROM core_attachment WHERE id = {int(pk)}")
    return tuple(cursor.fetchone())


def rewrite(archive: Path, copy: Path, *, manifest=None, members: dict | None = None) -> Path:
    """A copy of the archive with its manifest changed by `manifest(m)` and members replaced."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(copy, "w") as dst:
        data = json.loads(src.read("manifest.json"))
        if manifest:
            manifest(data)
        for name in src.namelist():
            if name != "manifest.json":
                dst.writestr(name, (members or {}).get(name) or src.read(name))
        dst.writestr("manifest.json", json.dumps(data))
    return copy


class ArchiveChecksTest(TemporaryFolderMixin, TestCase):
    """One archive of the test database (its migrated reference data and an uploaded file),
    then bent in one way per test. Restores that must be refused run in this process against
    the test database: they must change nothing, and its tables would refuse them anyway."""

    @classmethod
    def setUpClass(cls):
        cls.folder = Path(tempfile.mkdtemp(prefix="kechuang-backup-test-"))
        cls.media = cls.folder / "media"
        (cls.media / CERTIFICATE).parent.mkdir(parents=True)
        (cls.media / CERTIFICATE).write_bytes(b"%PDF-1.4 certificate")
        # Also under MEDIA_ROOT, but transient: left out.
        (cls.media / "imports").mkdir()
        (cls.media / "imports" / "pending.xlsx").write_bytes(b"pending")
        cls.archive = cls.folder / "kechuang.zip"
        with override_settings(MEDIA_ROOT=cls.media, IMPORT_UPLOAD_DIR=cls.media / "imports"):
            cls.manifest = backup.backup_create(cls.archive)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.folder, ignore_errors=True)

    def restore(self, archive: Path, *args: str) -> CommandError:
        """Runs the command, expecting a refusal; checks that nothing changed."""
        before = source_counts()
        restored_media = self.make_folder()
        with (
            override_settings(MEDIA_ROOT=restored_media),
            self.assertRaises(CommandError) as caught,
        ):
            call_command("restore", str(archive), *args, stdout=io.StringIO())
        self.assertEqual(source_counts(), before)
        self.assertEqual(list(restored_media.iterdir()), [])
        return caught.exception

    def copy(self, **changes) -> Path:
        return rewrite(self.archive, self.make_folder() / "changed.zip", **changes)

    def test_the_manifest_describes_the_snapshot_and_every_member(self):
        m = self.manifest
        self.assertEqual((m["engine"], m["format"], m["media_files"]), (connection.vendor, 1, 1))
        self.assertEqual(m["tables"], source_counts())
        self.assertEqual(m["rows"], sum(m["tables"].values()))
        applied = MigrationRecorder.Migration.objects.filter(app="core").order_by("id")
        self.assertEqual(m["migrations"]["core"], [r.name for r in applied])
        self.assertEqual(m["latest_migrations"]["core"], applied.last().name)
        database = backup.DATABASE_MEMBER[connection.vendor]
        self.assertEqual(set(m["members"]), {database, "media/" + CERTIFICATE})
        with zipfile.ZipFile(self.archive) as zf:
            for name, member in m["members"].items():
                content = zf.read(name)
                self.assertEqual(len(content), member["size"])
                self.assertEqual(backup.hashlib.sha256(content).hexdigest(), member["sha256"])

    def test_a_destination_that_cannot_be_written_is_refused_with_exit_2(self):
        blocker = self.make_folder() / "file"
        blocker.write_text("not a folder")
        with self.assertRaises(CommandError) as caught:
            call_command("backup", str(blocker / "kechuang.zip"), stdout=io.StringIO())
        self.assertEqual(caught.exception.returncode, 2)
        self.assertIn("备份失败，未写出备份文件", str(caught.exception))

    def test_an_archive_naming_an_unknown_migration_is_refused_and_changes_nothing(self):
        newer = self.copy(manifest=lambda m: m["migrations"]["core"].append("9999_from_the_future"))
        error = self.restore(newer)
        self.assertEqual(error.returncode, 2)
        self.assertIn("较新的版本", str(error))
        self.assertIn("core.9999_from_the_future", str(error))

    def test_a_corrupted_member_fails_the_checksum(self):
        database = backup.DATABASE_MEMBER[connection.vendor]
        with zipfile.ZipFile(self.archive) as zf:
            content = bytearray(zf.read(database))
        content[len(content) // 2] ^= 0xFF
        error = self.restore(self.copy(members={database: bytes(content)}))
        self.assertEqual(error.returncode, 2)
        self.assertIn(f"{database} 的校验和（SHA-256）与清单不符", str(error))

        error = self.restore(self.copy(members={"media/" + CERTIFICATE: b"%PDF-1.4 forged"}))
        self.assertIn(f"media/{CERTIFICATE} 的校验和", str(error))

    def test_bytes_damaged_inside_the_zip_are_refused(self):
        damaged = self.make_folder() / "damaged.zip"
        data = bytearray(self.archive.read_bytes())
        with zipfile.ZipFile(self.archive) as zf:
            info = zf.getinfo(backup.DATABASE_MEMBER[connection.vendor])
        data[info.header_offset + 200] ^= 0xFF
        damaged.write_bytes(bytes(data))
        error = self.restore(damaged)
        self.assertEqual(error.returncode, 2)
        self.assertIn("备份文件已损坏", str(error))

    def test_an_archive_of_the_other_engine_is_refused_naming_both(self):
        other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
        error = self.restore(self.copy(manifest=lambda m: m.update(engine=other)))
        self.assertEqual(error.returncode, 2)
        self.assertIn(f"备份来自 {backup.ENGINE_LABEL[other]} 数据库", str(error))
        self.assertIn("不能跨数据库类型恢复", str(error))

    def test_a_database_holding_tables_is_refused_without_force(self):
        out = io.StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command("restore", str(self.archive), "--format", "json", stdout=out)
        self.assertEqual(caught.exception.returncode, 2)
        self.assertIn("--force", str(caught.exception))
        self.assertEqual(json.loads(out.getvalue())["restored"], False)

    def test_files_that_are_no_archive_are_refused(self):
        folder = self.make_folder()
        (folder / "notes.zip").write_bytes(b"not a zip")
        with zipfile.ZipFile(folder / "other.zip", "w") as zf:
            zf.writestr("readme.txt", "hello")
        for name, reason in (
            ("notes.zip", "无法作为 zip 打开"),
            ("other.zip", "缺少或无法读取 manifest.json"),
            ("missing.zip", "备份文件不存在"),
        ):
            error = self.restore(folder / name)
            self.assertEqual(error.returncode, 2)
            self.assertIn(reason, str(error))

    def test_a_media_name_leaving_media_root_is_refused(self):
        def escape(m):
            m["members"]["media/../../escaped.txt"] = m["members"].pop("media/" + CERTIFICATE)

        error = self.restore(self.copy(manifest=escape))
        self.assertIn("上传文件名不安全：media/../../escaped.txt", str(error))

    def test_a_restore_whose_counts_differ_from_the_manifest_exits_1_naming_the_tables(self):
        def miscount(m):
            m["tables"]["core_region"] += 1

        folder = self.make_folder()
        target = self.make_target(folder)
        result = target.kechuang("restore", str(self.copy(manifest=miscount)))
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("表 core_region：备份", result.stderr)
        self.assertIn("1 张表的行数与备份不符：core_region", result.stderr)


class PostgresClientTest(TestCase):
    """How pg_dump and pg_restore are found and called (no server needed)."""

    def test_the_password_goes_to_the_environment_never_to_argv(self):
        settings_dict = {"NAME": "kc", "USER": "kc", "PASSWORD": "s3cret", "HOST": "db"}
        settings_dict["PORT"], settings_dict["OPTIONS"] = 5433, {"sslmode": "require"}
        with mock.patch.object(backup.subprocess, "run") as run:
            run.return_value = subprocess.CompletedProcess([], 0, "", "")
            backup._run(["pg_dump", "--format=custom"], settings_dict, "pg_dump")
        argv, env = run.call_args.args[0], run.call_args.kwargs["env"]
        self.assertNotIn("s3cret", " ".join(argv))
        self.assertIn("--no-password", argv)
        self.assertEqual(
            {k: env[k] for k in ("PGPASSWORD", "PGHOST", "PGPORT", "PGSSLMODE", "PGDATABASE")},
            {
                "PGPASSWORD": "s3cret",
                "PGHOST": "db",
                "PGPORT": "5433",
                "PGSSLMODE": "require",
                "PGDATABASE": "kc",
            },
        )

    def test_a_failing_client_is_reported_with_its_last_lines(self):
        with mock.patch.object(backup.subprocess, "run") as run:
            run.return_value = subprocess.CompletedProcess([], 1, "", "pg_dump: error: boom\n")
            with self.assertRaisesMessage(backup.BackupRefused, "pg_dump 执行失败（退出码 1）"):
                backup._run(["pg_dump"], {"NAME": "kc"}, "pg_dump")

    def test_a_client_older_than_the_server_or_none_at_all_is_refused(self):
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        old = folder / "pg_dump"
        old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 14.11'\n")
        old.chmod(0o755)
        with mock.patch.object(backup.shutil, "which", return_value=str(old)):
            with self.assertRaisesMessage(backup.BackupRefused, "低于数据库服务器（98）"):
                backup.pg_client("pg_dump", 98)
            self.assertEqual(backup.pg_client("pg_dump", 7), str(old))
        with (
            mock.patch.object(backup.shutil, "which", return_value=None),
            self.assertRaisesMessage(backup.BackupRefused, "找不到 pg_dump"),
        ):
            backup.pg_client("pg_dump", 98)

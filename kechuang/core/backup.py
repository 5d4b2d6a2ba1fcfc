"""Backup and restore: one zip archive with a consistent database snapshot, the uploaded files
and manifest.json (version, migration state, row counts, SHA-256 and size of every member).

The snapshot is taken while the site runs: SQLite through its online backup API, PostgreSQL
through pg_dump in custom format inside an exported snapshot, so the manifest's row counts are
those of the very same snapshot. Never dumpdata/loaddata: their round trip duplicates history
rows and dates audit events at the restore.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1 << 20


class BackupRefused(Exception):
    """Bad input or a refused restore (exit 2); the message is Chinese and nothing was changed."""


class VerificationFailed(Exception):
    """The restored database's row counts differ from the manifest's (exit 1)."""

    def __init__(self, summary: dict):
        self.summary = summary
        tables = "、".join(m["table"] for m in summary["mismatches"])
        super().__init__(f"恢复后有 {len(summary['mismatches'])} 张表的行数与备份不符：{tables}")


@dataclass
class Snapshot:
    """A database snapshot written to a file, with the state read from that same snapshot."""

    path: Path
    tables: dict[str, int]
    migrations: dict[str, list[str]]
    server_version: str = ""


@dataclass
class Archive:
    """An opened archive whose manifest has been read and checked for shape."""

    path: Path
    zip: zipfile.ZipFile
    manifest: dict
    media: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Backup


def backup_create(path: str | Path, *, using: str = "default") -> dict:
    """Writes the archive to `path` (atomically: a temporary file renamed at the end) and
    returns its manifest. BackupRefused when the database or the client tools cannot serve."""
    path = Path(path).resolve()
    conn = connections[using]
    vendor = _vendor(conn)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".kechuang-backup-") as staging:
            staged = Path(staging) / DATABASE_MEMBER[vendor]
            if vendor == "sqlite":
                snapshot = _sqlite_snapshot(conn, staged)
            else:
                snapshot = _postgres_snapshot(conn, staged)
            partial = Path(staging) / "archive.zip"
            skip = {path, Path(staging).resolve()}
            manifest = _write_archive(partial, vendor, snapshot, skip=skip)
            os.replace(partial, path)
    except OSError as exc:
        raise BackupRefused(f"备份失败，未写出备份文件：{exc.strerror}（{exc.filename}）") from exc
    return manifest


def _vendor(conn) -> str:
    if conn.vendor not in DATABASE_MEMBER:
        raise BackupRefused(f"不支持备份 {conn.vendor} 数据库：只支持 SQLite 和 PostgreSQL")
    return conn.vendor


def _sqlite_snapshot(conn, target: Path) -> Snapshot:
    """The online backup API: a consistent copy while other connections keep writing."""
    conn.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        conn.connection.backup(copy)
        cursor = copy.cursor()
        tables = _sqlite_tables(cursor)
        return Snapshot(
            target,
            _row_counts(cursor, tables),
            _applied_migrations(cursor, tables),
            sqlite3.sqlite_version,
        )
    finally:
        copy.close()


def _postgres_snapshot(conn, target: Path) -> Snapshot:
    """pg_dump inside a snapshot exported by a repeatable-read transaction, which also reads
    the row counts and migrations: the manifest describes exactly what the dump holds."""
    import psycopg

    conn.ensure_connection()
    pg_dump = pg_client("pg_dump", conn.pg_version // 10000)
    raw = psycopg.connect(**conn.get_connection_params())
    try:
        raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        raw.read_only = True
        cursor = raw.cursor()
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot_id, server_version = cursor.fetchone()
        tables = _postgres_tables(cursor)
        counts = _row_counts(cursor, tables)
        migrations = _applied_migrations(cursor, tables)
        _run(
            [pg_dump, "--format=custom", f"--file={target}", f"--snapshot={snapshot_id}"],
            conn.settings_dict,
            "pg_dump",
        )
        raw.rollback()
    finally:
        raw.close()
    return Snapshot(target, counts, migrations, server_version)


def _write_archive(partial: Path, vendor: str, snapshot: Snapshot, *, skip: set[Path]) -> dict:
    members: dict[str, dict] = {}
    # A custom-format dump is compressed already; a SQLite file compresses well.
    stored = zipfile.ZIP_STORED if vendor == "postgresql" else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        name = DATABASE_MEMBER[vendor]
        members[name] = _add_member(zf, name, snapshot.path, stored)
        for source, relative in media_files(skip=skip):
            name = MEDIA_PREFIX + relative
            members[name] = _add_member(zf, name, source, zipfile.ZIP_DEFLATED)
        manifest = {
            "format": FORMAT,
            "product": "kechuang",
            "version": product_version(),
            "created_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "engine": vendor,
            "server_version": snapshot.server_version,
            "latest_migrations": {app: names[-1] for app, names in snapshot.migrations.items()},
            "migrations": snapshot.migrations,
            "tables": snapshot.tables,
            "rows": sum(snapshot.tables.values()),
            "media_files": sum(1 for n in members if n.startswith(MEDIA_PREFIX)),
            "members": members,
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
        zf.writestr(MANIFEST, text)
    return manifest


def _add_member(zf: zipfile.ZipFile, name: str, source: Path, compression: int) -> dict:
    """Copies a file into the archive, hashing the very bytes written (a file changed while
    it is read is still described truthfully)."""
    info = zipfile.ZipInfo(name, date_time=datetime.datetime.now().timetuple()[:6])
    info.compress_type = compression
    info.external_attr = 0o640 << 16
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def media_files(*, skip: set[Path] = frozenset()):
    """(path, relative POSIX name) of each regular file under MEDIA_ROOT, without the transient
    import uploads and without `skip` (the archive being written, should it lie there)."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    skipped = {Path(settings.IMPORT_UPLOAD_DIR).resolve(), *skip}
    for directory, subdirs, files in os.walk(root):
        here = Path(directory)
        subdirs[:] = sorted(d for d in subdirs if (here / d).resolve() not in skipped)
        for name in sorted(files):
            path = here / name
            if path.is_symlink() or not path.is_file() or path.resolve() in skipped:
                continue
            yield path, path.relative_to(root).as_posix()


def product_version() -> str:
    try:
        return importlib.metadata.version("kechuang")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------------------------------------
# Database state, read with a plain DB-API cursor (a snapshot file or a raw connection)


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [row[0] for row in cursor.fetchall()]


def _postgres_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 (quoted name)
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations(cursor, tables: list[str]) -> dict[str, list[str]]:
    """App label → applied migration names, in the order they were applied."""
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def table_counts(*, using: str = "default") -> dict[str, int]:
    """Row counts of every table of the configured database."""
    conn = connections[using]
    with conn.cursor() as cursor:
        tables = _sqlite_tables(cursor) if conn.vendor == "sqlite" else _postgres_tables(cursor)
        return _row_counts(cursor, tables)


# ---------------------------------------------------------------------------------------------
# PostgreSQL client tools


def pg_client(name: str, server_major: int) -> str:
    """The pg_dump/pg_restore to run: the server's own major version when Debian installed it
    side by side, else the one on PATH; refused when older than the server."""
    candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin/{name}"), shutil.which(name)]
    binary = next((str(c) for c in candidates if c and Path(c).is_file()), None)
    if binary is None:
        raise BackupRefused(
            f"找不到 {name}：请安装 PostgreSQL {server_major} 的客户端程序"
            f"（Debian：apt-get install postgresql-client-{server_major}）"
        )
    output = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"\)\s*(\d+)", output)
    if found and int(found.group(1)) < server_major:
        raise BackupRefused(
            f"{binary} 的版本（{found.group(1)}）低于数据库服务器（{server_major}），"
            f"请安装 postgresql-client-{server_major}"
        )
    return binary


def _pg_env(settings_dict: dict) -> dict[str, str]:
    """Connection settings for the client tools as libpq variables: the password never
    appears in argv, where any local user could read it."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
    }
    env.update({k: str(v) for k, v in values.items() if v})
    return env


def _run(argv: list[str], settings_dict: dict, label: str) -> None:
    result = subprocess.run(
        [*argv, "--no-password"], env=_pg_env(settings_dict), capture_output=True, text=True
    )
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-3:]
        raise BackupRefused(f"{label} 执行失败（退出码 {result.returncode}）：" + " ".join(detail))


# ---------------------------------------------------------------------------------------------
# Restore


def restore_archive(path: str | Path, *, force: bool = False, using: str = "default") -> dict:
    """Restores the archive into the configured database and MEDIA_ROOT; returns a summary.

    Everything that can refuse (not an archive, another engine, a newer schema, a corrupted
    member, a non-empty target without `force`) is checked before anything is changed.
    Row counts are verified right after the database is restored, before any forward
    migration may add rows: VerificationFailed lists the tables that differ.
    """
    conn = connections[using]
    vendor = _vendor(conn)
    with tempfile.TemporaryDirectory(prefix="kechuang-restore-") as staging:
        archive = open_archive(path)
        with archive.zip:
            check_compatible(archive.manifest, vendor)
            database = verify_members(archive, Path(staging))
            existing = _target_tables(conn)
            if existing and not force:
                raise BackupRefused(
                    f"目标数据库不是空库（已有 {len(existing)} 张表）：恢复会覆盖其中全部数据。"
                    "确认要覆盖请加 --force"
                )
            if vendor == "sqlite":
                _sqlite_restore(conn, database)
            else:
                _postgres_restore(conn, database, existing)
            media = _restore_media(archive)
        mismatches = compare_counts(archive.manifest["tables"], table_counts(using=using))
        summary = {
            "restored": True,
            "verified": not mismatches,
            "file": str(path),
            "engine": vendor,
            "version": archive.manifest["version"],
            "created_at": archive.manifest["created_at"],
            "tables": len(archive.manifest["tables"]),
            "rows": archive.manifest["rows"],
            "media_files": media,
            "migrated": 0,
            "mismatches": mismatches,
        }
        if mismatches:
            raise VerificationFailed(summary)
        summary["migrated"] = migrate_forward(using)
    return summary


def open_archive(path: str | Path) -> Archive:
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise BackupRefused(f"备份文件不存在：{path}") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupRefused(f"{path} 不是科创备份文件（无法作为 zip 打开）") from exc
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        zf.close()
        raise BackupRefused(f"{path} 不是科创备份文件（缺少或无法读取 manifest.json）") from exc
    if not isinstance(manifest, dict) or manifest.get("product") != "kechuang":
        zf.close()
        raise BackupRefused(f"{path} 不是科创备份文件（manifest.json 不是科创的清单）")
    if manifest.get("format") != FORMAT:
        zf.close()
        raise BackupRefused(
            f"备份文件格式 {manifest.get('format')} 无法识别（本程序读取格式 {FORMAT}）"
        )
    media = [n for n in manifest["members"] if n.startswith(MEDIA_PREFIX)]
    for name in media:
        if not _safe_media_name(name):
            zf.close()
            raise BackupRefused(f"备份文件中的上传文件名不安全：{name}")
    return Archive(path, zf, manifest, media)


def _safe_media_name(name: str) -> bool:
    relative = PurePosixPath(name.removeprefix(MEDIA_PREFIX))
    return (
        bool(relative.parts)
        and not relative.is_absolute()
        and all(part not in ("", ".", "..") for part in relative.parts)
        and "\\" not in name
    )


def known_migrations() -> set[tuple[str, str]]:
    """Every migration this code has on disk, with the names its squashed migrations replace."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces or ())
    return known


def check_compatible(manifest: dict, vendor: str) -> None:
    """Refuses an archive of the other engine or from a newer schema."""
    engine = manifest.get("engine")
    if engine != vendor:
        raise BackupRefused(
            f"备份来自 {ENGINE_LABEL.get(engine, engine)} 数据库，当前配置的是 "
            f"{ENGINE_LABEL[vendor]}：不能跨数据库类型恢复。"
            f"请把 DATABASE_URL 指向一个 {ENGINE_LABEL.get(engine, engine)} 数据库再恢复"
        )
    known = known_migrations()
    unknown = [
        f"{app}.{name}"
        for app, names in sorted(manifest.get("migrations", {}).items())
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        listed = "、".join(unknown[:5]) + ("等" if len(unknown) > 5 else "")
        raise BackupRefused(
            f"备份来自较新的版本（{manifest.get('version')}）：其中有本程序不认识的迁移 "
            f"{listed}，共 {len(unknown)} 个。请先把程序升级到不低于备份时的版本，再恢复"
        )


def verify_members(archive: Archive, staging: Path) -> Path:
    """Checks every member's SHA-256 and size against the manifest; the database member is
    extracted to `staging` on the way. Returns the extracted database file."""
    vendor = archive.manifest["engine"]
    members = archive.manifest["members"]
    database_name = DATABASE_MEMBER[vendor]
    if database_name not in members:
        raise BackupRefused(f"备份文件缺少数据库快照 {database_name}")
    database = staging / database_name
    for name, expected in members.items():
        target = database if name == database_name else None
        _check_member(archive.zip, name, expected, target)
    return database


def _check_member(zf: zipfile.ZipFile, name: str, expected: dict, target: Path | None) -> None:
    digest, size = hashlib.sha256(), 0
    try:
        with zf.open(name) as src, target.open("wb") if target else _Discard() as dst:
            while chunk := src.read(CHUNK):
                size += len(chunk)
                if size > expected["size"]:
                    break
                digest.update(chunk)
                dst.write(chunk)
    except KeyError as exc:
        raise BackupRefused(f"备份文件已损坏：缺少成员 {name}") from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise BackupRefused(f"备份文件已损坏：{name} 无法读出（{exc}）") from exc
    if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise BackupRefused(f"备份文件已损坏：{name} 的校验和（SHA-256）与清单不符")


class _Discard:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, chunk: bytes) -> None:
        pass


def _target_tables(conn) -> list[str]:
    with conn.cursor() as cursor:
        return _sqlite_tables(cursor) if conn.vendor == "sqlite" else _postgres_tables(cursor)


def _sqlite_restore(conn, snapshot: Path) -> None:
    """Copies the snapshot into the configured database file through the backup API (it
    replaces every page, WAL included)."""
    name = str(conn.settings_dict["NAME"])
    if conn.is_in_memory_db():
        raise BackupRefused("当前配置的是内存数据库，无法恢复到其中：请把 DATABASE_URL 指向文件")
    conn.close()
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(snapshot), sqlite3.connect(name)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _postgres_restore(conn, dump: Path, existing: list[str]) -> None:
    """pg_restore in one transaction. A forced restore first drops every table of the schema,
    so tables the archive does not know (a newer target) cannot block the forward migration."""
    pg_restore = pg_client("pg_restore", conn.pg_version // 10000)
    if existing:
        with conn.cursor() as cursor:
            tables = ", ".join(_quote(t) for t in existing)
            cursor.execute(f"DROP TABLE IF EXISTS {tables} CASCADE")
    conn.close()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            # Grants name roles of the source server, which the target may not have.
            "--no-privileges",
            "--single-transaction",
            f"--dbname={conn.settings_dict['NAME']}",
            str(dump),
        ],
        conn.settings_dict,
        "pg_restore",
    )


def _restore_media(archive: Archive) -> int:
    """Writes the archive's uploaded files into MEDIA_ROOT (each through a temporary file
    renamed into place); files that exist only in MEDIA_ROOT are left alone."""
    root = Path(settings.MEDIA_ROOT)
    for name in archive.media:
        target = root / name.removeprefix(MEDIA_PREFIX)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        with archive.zip.open(name) as src, partial.open("wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
        os.replace(partial, target)
    return len(archive.media)


def compare_counts(expected: dict[str, int], actual: dict[str, int]) -> list[dict]:
    """Tables whose row count differs (a missing or extra table counts as a difference)."""
    return [
        {"table": table, "expected": expected.get(table), "actual": actual.get(table)}
        for table in sorted(set(expected) | set(actual))
        if expected.get(table) != actual.get(table)
    ]


def migrate_forward(using: str) -> int:
    """Runs `migrate` when the restored schema is older than the code; returns how many
    migrations it applied."""
    conn = connections[using]
    executor = MigrationExecutor(conn)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", database=using, interactive=False, verbosity=0)
    return len(plan)

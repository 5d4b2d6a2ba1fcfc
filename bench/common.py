"""What the benchmarks share: a scratch database, timing, memory and table printing."""

import os
import resource
import shutil
import statistics
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path


def timed(fn, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def peak_memory_mb() -> float:
    """This process's peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def ljust(text: str, size: int) -> str:
    return text + " " * max(0, size - width(text))


def rjust(text: str, size: int) -> str:
    return " " * max(0, size - width(text)) + text


def scratch_database() -> Callable[[], None]:
    """Point DATABASE_URL at a database the benchmark may fill and throw away, and return
    the function that throws it away.

    Without DATABASE_URL: a new SQLite file in a temporary directory. With a PostgreSQL
    URL: that database is (re)created on the server, and dropped afterwards; its name must
    contain "bench" so no real database is ever touched. With a SQLite URL: the file must
    not exist yet.
    """
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        workdir = Path(tempfile.mkdtemp(prefix="kechuang-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        return lambda: shutil.rmtree(workdir, ignore_errors=True)
    config = dj_database_url.parse(url)
    name = config["NAME"]
    if config["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(name)
        if path.exists():
            raise SystemExit(f"基准测试只用新建的数据库：{path} 已存在")

        def remove_file() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

        return remove_file
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"不支持的数据库：{config['ENGINE']}")
    if "bench" not in name:
        raise SystemExit(f"基准测试只在名称含 bench 的临时库中运行，而 DATABASE_URL 指向 {name}")
    import psycopg
    from psycopg import sql

    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(**server) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    return drop


def describe_database() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"

"""Suite-wide hooks: the boundary test's counts are printed at the end of the run."""


def pytest_terminal_summary(terminalreporter):
    lines = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        for name, value in getattr(report, "user_properties", ())
        if name == "boundary"
    ]
    if lines:
        terminalreporter.write_sep("-", "boundary test")
        for line in sorted(set(lines)):
            terminalreporter.write_line(line)


def pytest_configure(config):
    """Browser tests run the live server and a task worker in threads beside the test. On
    SQLite the test database is then a file: the shared-cache in-memory database refuses a
    statement at once when another thread holds a lock ("database table is locked"), where
    a file database waits for it."""
    if config.option.markexpr != "browser":
        return
    _sqlite_test_file("browser-tests.sqlite3")


def pytest_collection_modifyitems(config, items):
    """Tests marked `threads` run writers in threads with their own connections: on SQLite
    the test database is then a file too, for the reason above (decided before the test
    database is created, which happens after collection)."""
    if any(item.get_closest_marker("threads") for item in items):
        _sqlite_test_file("threads-tests.sqlite3")


def _sqlite_test_file(name: str) -> None:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        test = database.setdefault("TEST", {})
        test["NAME"] = test.get("NAME") or str(settings.VAR_DIR / name)

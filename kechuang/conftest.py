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
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(settings.VAR_DIR / "browser-tests.sqlite3")

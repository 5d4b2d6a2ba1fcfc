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

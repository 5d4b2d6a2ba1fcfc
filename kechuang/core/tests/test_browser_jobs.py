"""A big import in a real browser: the progress bar advances while a worker checks the file,
then the preview, the write, and its undo.

Drives Debian's Chromium through Playwright against the live server, with a task worker
running in a thread of this process (as `kechuang db_worker` does in production).
"""

import threading
import time

import pytest
from django.db import close_old_connections, connection
from playwright.sync_api import Error as PlaywrightError

from kechuang.core import excel
from kechuang.core.choices import Role
from kechuang.core.models import Job, Region
from kechuang.core.services import user_create
from kechuang.core.tests.browser import new_page, reload_reference_data
from kechuang.core.tests.cast import credit_code, xlsx
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.tests.test_importers import HEADER, row

PASSWORD = "Kc-browser-2023!"
ROWS = 12

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff(transactional_db):
    reload_reference_data()
    county = Region.objects.get(code="331121")
    return user_create(
        actor=None, username="staff", password=PASSWORD, role=Role.STAFF, region=county
    )


@pytest.fixture
def worker():
    """A task worker polling the queue until the test ends."""
    from django_tasks_db.management.commands.db_worker import Worker

    stop = threading.Event()
    # The command's worker, without its signal handlers (a thread cannot set them).
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    )

    def work():
        try:
            while not stop.is_set():
                close_old_connections()
                worker.run()
                stop.wait(0.2)
        finally:
            connection.close()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=30)


@pytest.fixture
def slow_rows(monkeypatch):
    """A check slow enough to watch: one row per chunk, a fifth of a second each."""
    check = excel._check_chunk

    def slowly(*args, **kwargs):
        time.sleep(0.2)
        return check(*args, **kwargs)

    monkeypatch.setattr(excel, "CHUNK_ROWS", 1)
    monkeypatch.setattr(excel, "_check_chunk", slowly)


@pytest.fixture
def page():
    yield from new_page(timeout_ms=20_000)


PROGRESS_VALUE = (
    "document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') ?? null"
)


def watch_progress(page, done_text: str) -> list[int]:
    """The progress values the page shows until `done_text` appears."""
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if page.get_by_text(done_text).count():
                return seen
            value = page.evaluate(PROGRESS_VALUE)
        except PlaywrightError:
            # The page moved on to the result while we asked; look again.
            page.wait_for_load_state()
            continue
        if value is not None and (not seen or seen[-1] != int(value)):
            seen.append(int(value))
        page.wait_for_timeout(100)
    raise AssertionError(f"“{done_text}” never appeared; progress seen: {seen}")


def test_a_big_import_shows_progress_then_its_preview_result_and_undo(
    live_server, page, staff, worker, slow_rows, settings, tmp_path
):
    settings.IMPORT_JOB_ROWS = 5
    path = tmp_path / "firms.xlsx"
    path.write_bytes(
        xlsx(
            HEADER, [row(credit_code(800 + i), f"浙江后台导入{i:02d}有限公司") for i in range(ROWS)]
        )
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/imports/enterprises/")
    page.set_input_files("input[type=file]", str(path))
    page.click("text=上传并预检")

    seen = watch_progress(page, "预检通过：新增 12 条")
    assert any(0 < value < 100 for value in seen), seen
    assert seen == sorted(seen), seen
    assert Enterprise.objects.count() == 0

    page.click("text=确认写入")
    watch_progress(page, "已写入：新增 12 条")
    assert Enterprise.objects.count() == ROWS
    job = Job.objects.latest("pk")
    assert (job.state, job.done, job.total) == ("done", ROWS, ROWS)

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("text=撤销本次导入")
    page.get_by_text("已撤销本次导入：删除新增的 12 条记录").wait_for()
    assert Enterprise.objects.count() == 0

"""`make loadtest`: signed-in sessions of every role against a demo site of its own.

Loads the Qingtian demo into a throw-away SQLite database, serves it with gunicorn (2 workers)
and one task worker (`kechuang db_worker`) on a free loopback port, signs in SESSIONS
sessions of different roles (staff, leader, township liaisons, a firm's user, an institute's
user) and for DURATION seconds each session requests, one after another, a realistic mix of
pages: home, the enterprise list (pages, search, filters), a firm's record, the indicator
dashboard and its JSON, a demand with its suggestions and the API lists. The same runs again
at 20 sessions, where the acceptance measures p95. The reference is a trivial Django view on
the same server (`/healthz`), requested the same way by the same sessions.

Prints per page the requests, errors and p50/p95/p99, and the requests per second next to
the reference's. Exit status: 0 when every target is met, 1 on any failed request, 3 when a
target is missed (throughput under half the reference, or a p95 over the limit at 20
sessions). Every request goes to 127.0.0.1 only; the processes and the directory it made are
removed at the end.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from kechuang.demo.site import DemoSite
from loadtest.client import Session

ROOT = Path(__file__).resolve().parent.parent
ACCEPTANCE_SESSIONS = 20
REFERENCE = ("参照：/healthz", "/healthz")

# Page key: (label, path); {…} are filled per role from what that role can see.
PAGES = {
    "home": ("首页", "/"),
    "enterprises": ("企业列表", "/enterprises/"),
    "enterprises_page": ("企业列表第3页", "/enterprises/?page=3"),
    "enterprises_search": ("企业搜索", "/enterprises/?q=%E9%98%80%E9%97%A8"),  # 阀门
    "enterprises_filter": ("企业筛选", "/enterprises/?above_scale=true&rnd_active=true"),
    "enterprise": ("企业档案", "/enterprises/{enterprise}/"),
    "dashboard": ("指标看板", "/indicators/?region={region}&period={period}"),
    "indicator_table": ("指标表 JSON", "/indicators/api/table/?region={region}&period={period}"),
    "indicator_trend": (
        "指标趋势 JSON",
        "/indicators/api/trend/?region={region}&indicator={indicator}&years=2022,2023",
    ),
    "demand": ("需求页（含推荐）", "/transfer/demands/{demand}/"),
    "api_enterprises": ("接口：企业列表", "/api/enterprises/"),
    "api_demands": ("接口：需求列表", "/api/demands/"),
    "api_achievements": ("接口：成果列表", "/api/achievements/"),
}
_BUREAU = {
    "home": 2,
    "enterprises": 3,
    "enterprises_page": 1,
    "enterprises_search": 2,
    "enterprises_filter": 1,
    "enterprise": 3,
    "dashboard": 1,
    "indicator_table": 1,
    "indicator_trend": 1,
    "demand": 2,
    "api_enterprises": 1,
    "api_demands": 1,
    "api_achievements": 1,
}
_LIAISON = {
    "home": 2,
    "enterprises": 3,
    "enterprises_search": 2,
    "enterprise": 3,
    "dashboard": 1,
    "indicator_table": 1,
    "demand": 2,
    "api_enterprises": 1,
    "api_demands": 1,
}
# Role (demo username) -> page key -> weight.
MIX = {
    "staff": _BUREAU,
    "leader": _BUREAU,
    "liaison_hc": _LIAISON,
    "liaison_wx": _LIAISON,
    "qyuser": {"home": 3, "enterprise": 3, "demand": 2, "api_demands": 1, "api_achievements": 1},
    "ysuser": {"home": 3, "demand": 2, "api_achievements": 2, "api_demands": 1},
}
# Sessions take roles in this order, so any number of them holds every role in proportion.
ROLE_CYCLE = (
    "staff",
    "liaison_hc",
    "qyuser",
    "ysuser",
    "leader",
    "staff",
    "liaison_wx",
    "qyuser",
    "ysuser",
    "staff",
)
CONFIG = re.compile(rb'<script id="dashboard-config" type="application/json">(.*?)</script>', re.S)


@dataclass
class Result:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    cache_hits: int = 0
    samples: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def merge(self, other: Result) -> None:
        for label, values in other.latencies.items():
            self.latencies.setdefault(label, []).extend(values)
        for label, count in other.errors.items():
            self.errors[label] = self.errors.get(label, 0) + count
        self.cache_hits += other.cache_hits
        self.samples.extend(other.samples[: 5 - len(self.samples)])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


# --- setup ------------------------------------------------------------------------------


def role_values(session: Session, username: str) -> dict[str, str]:
    """The ids and codes a role's pages need, taken from what that role itself can see."""
    values = _record_ids(session)
    if "dashboard" not in MIX[username]:
        return values
    status, body = session.get("/indicators/")
    match = CONFIG.search(body) if status == 200 else None
    if match:
        config = json.loads(match.group(1))
        values.update(region=config["region"], period=config["period"] or "")
        query = urllib.parse.urlencode({"region": values["region"], "period": values["period"]})
        status, body = session.get(f"/indicators/api/table/?{query}")
        if status == 200:
            values["indicator"] = json.loads(body)["indicators"][0]["code"]
    return values


def _record_ids(session: Session) -> dict[str, str]:
    values = {}
    for key, path in (("enterprise", "/api/enterprises/"), ("demand", "/api/demands/")):
        status, body = session.get(path)
        results = json.loads(body).get("results", []) if status == 200 else []
        if results:
            values[key] = str(results[len(results) // 2]["id"])
    return values


def role_pages(username: str, values: dict[str, str]) -> list[tuple[str, str]]:
    """(label, path) of a role's mix, each repeated as often as its weight."""
    pages = []
    for key, weight in MIX[username].items():
        label, path = PAGES[key]
        try:
            pages += [(label, path.format(**values))] * weight
        except KeyError as exc:
            raise SystemExit(f"{username} 看不到页面“{label}”所需的记录：{exc.args[0]}") from exc
    return pages


def sign_in(base_port: int, count: int, password: str) -> list[tuple[str, Session]]:
    """`count` sessions, signed in concurrently (logins are not measured)."""
    sessions: list[tuple[str, Session] | None] = [None] * count
    failures: list[str] = []

    def one(i: int) -> None:
        username = ROLE_CYCLE[i % len(ROLE_CYCLE)]
        session = Session("127.0.0.1", base_port)
        try:
            session.login(username, password)
            sessions[i] = (username, session)
        except Exception as exc:  # reported together below
            failures.append(f"{username}: {exc}")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit("登录失败：" + "；".join(failures[:5]))
    return sessions  # type: ignore[return-value]


def validate(signed, mixes) -> list[str]:
    """Every page of every role answers 200 once before anything is measured."""
    problems, seen = [], set()
    for (username, session), (_, pages) in zip(signed, mixes, strict=True):
        for label, path in dict.fromkeys(pages):
            if (username, path) in seen:
                continue
            seen.add((username, path))
            status, _ = session.get(path)
            if status != 200:
                problems.append(f"{username} {label} {path}：状态 {status}")
    return problems


# --- running ----------------------------------------------------------------------------


def run(sessions: list[tuple[Session, list[tuple[str, str]]]], seconds: float) -> Result:
    """Every session requests its pages back to back, in a shuffled round, until the time is
    up (a request under way is finished and counted)."""
    import random

    results = [Result() for _ in sessions]
    barrier = threading.Barrier(len(sessions) + 1)
    deadline = [0.0]

    def loop(index: int, session: Session, pages: list[tuple[str, str]]) -> None:
        rng = random.Random(index)
        result = results[index]
        barrier.wait()
        while True:
            order = pages[:]
            rng.shuffle(order)
            for label, path in order:
                if time.perf_counter() >= deadline[0]:
                    return
                start = time.perf_counter()
                try:
                    status, _ = session.get(path)
                except Exception as exc:  # a failed request is an error, not a crash
                    status, detail = 0, f"{type(exc).__name__}: {exc}"
                else:
                    detail = f"状态 {status}"
                took = time.perf_counter() - start
                result.cache_hits += session.cache_hit
                result.latencies.setdefault(label, []).append(took * 1000)
                if status != 200:
                    result.errors[label] = result.errors.get(label, 0) + 1
                    if len(result.samples) < 5:
                        result.samples.append(f"{label} {path}：{detail}")

    threads = [
        threading.Thread(target=loop, args=(i, s, p), daemon=True)
        for i, (s, p) in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    deadline[0] = start + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    total = Result(elapsed=time.perf_counter() - start)
    for result in results:
        total.merge(result)
    return total


# --- report -----------------------------------------------------------------------------


def width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cell(text: str, size: int, left: bool = False) -> str:
    pad = " " * max(0, size - width(text))
    return text + pad if left else pad + text


def table(result: Result, labels: list[str]) -> list[str]:
    lines = [
        cell("页面", 22, True)
        + cell("请求数", 8)
        + cell("错误", 6)
        + cell("p50 ms", 9)
        + cell("p95 ms", 9)
        + cell("p99 ms", 9)
    ]
    everything: list[float] = []
    for label in labels:
        values = result.latencies.get(label, [])
        everything += values
        lines.append(row(label, values, result.errors.get(label, 0)))
    lines.append(row("合计", everything, result.error_count))
    return lines


def row(label: str, values: list[float], errors: int) -> str:
    quantiles = [f"{percentile(values, q):.0f}" if values else "-" for q in (0.5, 0.95, 0.99)]
    return (
        cell(label, 22, True)
        + cell(str(len(values)), 8)
        + cell(str(errors), 6)
        + "".join(cell(q, 9) for q in quantiles)
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=50, help="并发会话数（默认 50）")
    parser.add_argument("--duration", type=float, default=60, help="每轮时长（秒，默认 60）")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="每个 gunicorn 进程的线程数（默认 1：两核上线程多了尾延迟反而更高）",
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="关闭页面缓存，测每个页面每次都渲染时的成本",
    )
    parser.add_argument("--p95-limit", type=float, default=300, help="20 个会话时 p95 上限（毫秒）")
    parser.add_argument(
        "--database", type=Path, help="已载入演示数据的 SQLite 文件（复制一份使用，省去载入）"
    )
    args = parser.parse_args()
    if args.sessions < 1 or not 1 <= args.duration <= 600:
        parser.error("--sessions 至少为 1，--duration 在 1 到 600 秒之间")

    from kechuang.demo.dataset import PASSWORD

    site = DemoSite(
        workers=2,
        threads=args.threads,
        task_worker=True,
        database=args.database,
        prefix="kechuang-loadtest-",
        env={"PAGE_CACHE_SECONDS": "0"} if args.no_page_cache else None,
    )
    with site:
        port = int(site.base.rsplit(":", 1)[1])
        cache = "关闭" if args.no_page_cache else "开启"
        print(
            f"站点：{site.base}（gunicorn 2 个进程 × {args.threads} 线程，另有 1 个任务进程；"
            f"页面缓存{cache}）"
        )
        signed = sign_in(port, max(args.sessions, ACCEPTANCE_SESSIONS), PASSWORD)
        values = {u: role_values(s, u) for u, s in dict(signed).items()}
        mixes = [(s, role_pages(u, values[u])) for u, s in signed]
        labels = list(dict.fromkeys(label for _, pages in mixes for label, _ in pages))
        problems = validate(signed, mixes)
        if problems:
            print("页面检查未通过：\n  " + "\n  ".join(problems))
            return 1
        warm = run(mixes[: args.sessions], min(5.0, args.duration))
        if warm.error_count:
            print("预热时出错：\n  " + "\n  ".join(warm.samples))
            return 1

        rounds = [args.sessions] + (
            [ACCEPTANCE_SESSIONS] if args.sessions != ACCEPTANCE_SESSIONS else []
        )
        measured: dict[int, tuple[Result, Result | None]] = {}
        for count in rounds:
            print(f"\n运行：{count} 个会话，{args.duration:g} 秒……", flush=True)
            mix = run(mixes[:count], args.duration)
            reference = None
            if count == args.sessions:
                print(f"参照：{count} 个会话请求 /healthz，{args.duration:g} 秒……", flush=True)
                reference = run([(s, [REFERENCE]) for s, _ in mixes[:count]], args.duration)
            measured[count] = (mix, reference)
    return report(measured, labels, args)


def report(measured, labels: list[str], args) -> int:
    failed = errors = False
    for count, (mix, reference) in measured.items():
        print(f"\n== {count} 个会话，{mix.elapsed:.0f} 秒")
        print("\n".join(table(mix, labels)))
        hits = mix.cache_hits / mix.requests if mix.requests else 0.0
        line = f"吞吐量 {mix.rate:.1f} 次/秒（页面缓存命中 {hits:.0%}）"
        if reference is not None:
            ratio = mix.rate / reference.rate if reference.rate else 0.0
            line += f"；参照 /healthz {reference.rate:.1f} 次/秒；比值 {ratio:.2f}"
            ok = ratio >= 0.5
            failed |= not ok
            line += "（达标：≥ 0.50）" if ok else "（未达标：应 ≥ 0.50）"
            errors |= reference.error_count > 0
        print(line)
        if count == ACCEPTANCE_SESSIONS:
            slow = [
                label
                for label in labels
                if mix.latencies.get(label)
                and percentile(mix.latencies[label], 0.95) >= args.p95_limit
            ]
            failed |= bool(slow)
            verdict = "全部达标" if not slow else "未达标：" + "、".join(slow)
            print(f"每个页面 p95 < {args.p95_limit:g} ms：{verdict}")
        if mix.error_count:
            errors = True
            print("出错的请求（示例）：\n  " + "\n  ".join(mix.samples))
    if errors:
        print("\n有请求出错。")
        return 1
    return 3 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""`make fuzz`: schemathesis against a demo site of its own, for every operation of the
OpenAPI schema, signed in as bureau staff and as a firm's user.

Loads the Qingtian demo into a throw-away SQLite database, serves it with gunicorn on a free
loopback port, takes an API token for each user and runs `schemathesis run` with the checks
that no response is a server error (5xx) and that every response (status code, content type
and body, errors included) is one the schema describes. Prints the operations and requests
per user and exits non-zero on any failure. Every request goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from kechuang.demo.site import DemoSite

BIN = Path(sys.executable).parent
USERS = (("科室工作人员", "staff"), ("企业用户", "qyuser"))
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)


def token(base: str, username: str, password: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/token/",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["token"]


def fuzz(base: str, key: str, args, report: Path) -> tuple[int, dict]:
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{base}/api/schema/",
        "--header",
        f"Authorization: Token {key}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--workers",
        "1",
        "--continue-on-failure",
        "--request-timeout",
        "60",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
    ]
    if args.max_time:
        command += ["--max-time", str(args.max_time)]
    if args.phases:
        command += ["--phases", args.phases]
    code = subprocess.call(command)
    return code, count(report)


def count(report: Path) -> dict:
    """Operations and requests of a run, read from its ndjson events."""
    operations, requests = set(), 0
    if not report.exists():
        return {"operations": 0, "requests": 0}
    for line in report.read_text().splitlines():
        text = line.strip()
        if not text:
            continue
        event = json.loads(text)
        for value in event.values():
            if not isinstance(value, dict):
                continue
            label = value.get("label") or (value.get("recorder") or {}).get("label")
            if label and " " in str(label) and str(label).split(" ", 1)[0].isupper():
                operations.add(label)
            interactions = (value.get("recorder") or {}).get("interactions") or {}
            requests += len(interactions)
    return {"operations": len(operations), "requests": requests}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--max-examples", type=int, default=25, help="每个接口最多生成的用例数")
    parser.add_argument("--max-time", type=int, default=0, help="每个用户的时间上限（秒）")
    parser.add_argument("--seed", type=int, default=2023, help="随机种子，便于复现")
    parser.add_argument(
        "--phases",
        default="examples,fuzzing,stateful",
        help="schemathesis 的测试阶段（coverage 阶段逐一尝试边界值，用例很多，需要时加上）",
    )
    args = parser.parse_args()

    # The app is under test, not gunicorn's own request-line cap (nginx sets its own in
    # production): long generated query strings reach the app.
    site = DemoSite(gunicorn_args=("--limit-request-line", "0"), prefix="kechuang-fuzz-")
    with site:
        from kechuang.demo.dataset import PASSWORD

        results = []
        for label, username in USERS:
            print(f"\n== {label}（{username}）", flush=True)
            key = token(site.base, username, PASSWORD)
            report = site.var_dir / f"{username}.ndjson"
            code, counts = fuzz(site.base, key, args, report)
            results.append((label, code, counts))
        print()
        for label, code, counts in results:
            verdict = "通过" if code == 0 else f"失败（退出码 {code}）"
            operations, requests = counts["operations"], counts["requests"]
            print(f"{label}：{operations} 个接口操作，{requests} 次请求，{verdict}")
        return max(code for _, code, _ in results)


if __name__ == "__main__":
    sys.exit(main())

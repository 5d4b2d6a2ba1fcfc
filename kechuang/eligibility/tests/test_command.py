"""`kechuang assess POLICY --input FILE`: the command-line contract of issue 3."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from .factories import facts

ROOT = Path(__file__).resolve().parents[3]


def call(policy, data=None, *, path=None, tmp_path=None, stdin=None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        path = "-"
    elif path is None:
        path = tmp_path / "facts.json"
        path.write_text(
            data if isinstance(data, str) else json.dumps(data, ensure_ascii=False),
            encoding="utf-8",
        )
    code = 0
    try:
        call_command("assess", policy, "--input", str(path), stdout=out, stderr=err)
    except SystemExit as e:
        code = e.code
    return code, out.getvalue(), err.getvalue()


def test_eligible_firm_exit_0_with_json(tmp_path):
    code, out, err = call("tsme-2017", facts(), tmp_path=tmp_path)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["verdict"] == "eligible"
    assert list(result) == ["policy", "document", "verdict", "score", "criteria", "parts"]
    assert "国科发政〔2017〕115号" in out  # ensure_ascii=False


def test_ineligible_firm_is_still_exit_0(tmp_path):
    code, out, _ = call("hnte-2016", facts(field="纺织服装"), tmp_path=tmp_path)
    assert code == 0
    assert json.loads(out)["verdict"] == "ineligible"


def test_missing_fields_exit_2_naming_each(tmp_path):
    f = facts()
    del f["employees"]
    del f["years"][1]["sales_revenue"]
    code, out, err = call("hnte-2016", f, tmp_path=tmp_path)
    assert (code, out) == (2, "")
    assert "employees 缺失" in err
    assert "years[1].sales_revenue 缺失" in err


def test_expert_value_outside_band_exit_2(tmp_path):
    code, out, err = call("hnte-2016", facts(expert={"growth_sales": 3}), tmp_path=tmp_path)
    assert (code, out) == (2, "")
    assert "expert.growth_sales 超出该档允许范围 7–8" in err


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", ""])
def test_bad_json_exit_2(tmp_path, text):
    code, out, err = call("hnte-2016", text, tmp_path=tmp_path)
    assert (code, out) == (2, "")
    assert "JSON" in err


def test_unknown_policy_and_unreadable_file(tmp_path):
    code, out, err = call("hnte-1999", facts(), tmp_path=tmp_path)
    assert (code, out) == (2, "")
    assert "未知的政策：hnte-1999" in err
    code, out, err = call("hnte-2016", path=tmp_path / "missing.json")
    assert (code, out) == (2, "")
    assert "无法读取输入文件" in err


def test_stdin_dash(monkeypatch):
    code, out, _ = call("tsme-2017", stdin=json.dumps(facts()), monkeypatch=monkeypatch)
    assert code == 0
    assert json.loads(out)["policy"] == "tsme-2017"


def test_console_script_exit_codes_and_streams():
    """The real process: exit status, stdout and stderr as other systems see them."""
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "kechuang.settings_test"}
    cmd = [sys.executable, "-m", "kechuang", "assess", "tsme-2017", "--input", "-"]
    ok = subprocess.run(
        cmd, input=json.dumps(facts()).encode(), capture_output=True, env=env, cwd=ROOT, timeout=60
    )
    assert ok.returncode == 0, ok.stderr.decode()
    assert json.loads(ok.stdout.decode("utf-8"))["verdict"] == "eligible"
    bad = subprocess.run(
        cmd, input=b'{"employees": 3}', capture_output=True, env=env, cwd=ROOT, timeout=60
    )
    assert (bad.returncode, bad.stdout) == (2, b"")
    assert "st_staff 缺失" in bad.stderr.decode("utf-8")


def test_ratios_and_rates_print_unrounded_while_messages_round(tmp_path):
    from .factories import M, year

    f = facts(employees=90, st_staff=30)
    f["years"] = [
        year(2020, sales_revenue=120 * M),
        year(2021, sales_revenue=100 * M),
        year(2022, sales_revenue=80 * M, total_income=81 * M),
    ]
    code, out, _ = call("hnte-2016", f, tmp_path=tmp_path)
    assert code == 0
    result = json.loads(out)
    rate = result["parts"]["growth_sales"]["rate"]
    # (100/120 + 80/100) / 2 - 1 = -0.183333…: the JSON keeps every digit a float holds.
    assert rate == pytest.approx(-0.18333333333333333, abs=1e-15)
    assert rate != -0.1833
    assert '"rate": -0.18333333333333' in out
    staff = next(c for c in result["criteria"] if c["key"] == "st_staff_ratio")
    assert staff["actual"] == 1 / 3
    assert "科技人员占比 33.33%（30/90）" in staff["message"]


def test_a_failing_ratio_is_never_printed_at_its_limit():
    from kechuang.eligibility.engine import assess

    # 0.0999…9 (18 nines) is below the 10% limit but its nearest float is 0.1.
    f = facts(employees=10**18, st_staff=10**17 - 1)
    staff = next(c for c in assess("hnte-2016", f)["criteria"] if c["key"] == "st_staff_ratio")
    assert staff["passed"] is False
    assert staff["actual"] < staff["required"] == 0.1

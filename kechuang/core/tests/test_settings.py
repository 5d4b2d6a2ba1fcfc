"""Settings from the environment: the secret key file, the deployment check."""

import os
import re
import secrets
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase, override_settings

from kechuang import env
from kechuang.core import checks

ROOT = Path(__file__).resolve().parents[3]

# The production variables of README's 部署检查 section (and .env.example).
PRODUCTION = {
    "DEBUG": "false",
    "SECURE_PROXY_SSL_HEADER": "true",
    "NUM_PROXIES": "1",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "example.gov.cn",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_COOKIES": "true",
    "SECURE_HSTS_SECONDS": "31536000",
}
# README explains why these two stay: subdomains run by other units, no preload list.
EXPLAINED = {"security.W005", "security.W021"}


def run(tmp: Path, args: list[str], **variables: str) -> subprocess.CompletedProcess:
    """Runs Python in a fresh process whose settings come from these environment variables."""
    inherited = ("SECRET_KEY", "DJANGO", "SECURE_", "DEBUG", "ALLOWED_HOSTS")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    environ.update(KECHUANG_VAR_DIR=str(tmp), PYTHONPATH=str(ROOT), **variables)
    environ["DJANGO_SETTINGS_MODULE"] = "kechuang.settings"
    return subprocess.run(
        [sys.executable, *args], env=environ, capture_output=True, text=True, check=False
    )


def deploy_check(tmp: Path, **variables: str) -> set[str]:
    """The warning ids `kechuang check --deploy` prints with these environment variables."""
    result = run(tmp, ["-m", "kechuang", "check", "--deploy"], **variables)
    ids = set(re.findall(r"\(([\w.]+\.[WE]\d+)\)", result.stdout + result.stderr))
    # The schema's own warnings are enforced by the API's schema test, not by deployment.
    return {i for i in ids if not i.startswith("drf_spectacular.")}


class SecretKeyTest(SimpleTestCase):
    def setUp(self):
        for name in ("KECHUANG_TEST_SECRET", "KECHUANG_TEST_SECRET_FILE"):
            os.environ.pop(name, None)

    def test_a_generated_key_file_is_private_and_reused(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "var" / "secret_key"
            with_umask = os.umask(0o022)
            try:
                key, generated = env.envsecret("KECHUANG_TEST_SECRET", path)
            finally:
                os.umask(with_umask)
            self.assertTrue(generated)
            self.assertGreaterEqual(len(key), 50)
            self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
            self.assertEqual(env.envsecret("KECHUANG_TEST_SECRET", path), (key, True))

    def test_a_configured_key_is_not_generated(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "secret_key"
            os.environ["KECHUANG_TEST_SECRET"] = "configured"
            self.addCleanup(os.environ.pop, "KECHUANG_TEST_SECRET", None)
            self.assertEqual(env.envsecret("KECHUANG_TEST_SECRET", path), ("configured", False))
            self.assertFalse(path.exists())

    @override_settings(SECRET_KEY_GENERATED=True)
    def test_the_deploy_check_warns_about_a_generated_key(self):
        warnings = checks.check_secret_key_configured(None)
        self.assertEqual([w.id for w in warnings], ["kechuang.W001"])
        self.assertIn("多台服务器部署时必须配置 SECRET_KEY", warnings[0].msg)

    @override_settings(SECRET_KEY_GENERATED=False)
    def test_the_deploy_check_accepts_a_configured_key(self):
        self.assertEqual(checks.check_secret_key_configured(None), [])


class DeployCheckTest(SimpleTestCase):
    def test_readmes_production_variables_leave_only_the_explained_warnings(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.assertEqual(deploy_check(Path(tmp), **PRODUCTION), EXPLAINED)

    def test_without_a_configured_key_it_warns_about_the_generated_one(self):
        variables = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
        with tempfile.TemporaryDirectory() as tmp:
            self.assertEqual(deploy_check(Path(tmp), **variables), EXPLAINED | {"kechuang.W001"})


class ProxyHeaderTest(SimpleTestCase):
    @override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=None)
    def test_the_deploy_check_warns_about_https_redirects_without_the_proxy_header(self):
        self.assertEqual([w.id for w in checks.check_proxy_header(None)], ["kechuang.W002"])

    @override_settings(
        SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
    )
    def test_the_deploy_check_accepts_https_redirects_with_the_proxy_header(self):
        self.assertEqual(checks.check_proxy_header(None), [])

    PRINT = "import django; django.setup(); from django.conf import settings as s; " + (
        "print(s.SECURE_PROXY_SSL_HEADER)"
    )

    def test_forwarded_proto_is_not_trusted_unless_configured(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.assertEqual(run(Path(tmp), ["-c", self.PRINT]).stdout.strip(), "None")

    def test_forwarded_proto_is_trusted_when_configured(self):
        with tempfile.TemporaryDirectory() as tmp:
            result = run(Path(tmp), ["-c", self.PRINT], SECURE_PROXY_SSL_HEADER="true")
        self.assertEqual(result.stdout.strip(), "('HTTP_X_FORWARDED_PROTO', 'https')")

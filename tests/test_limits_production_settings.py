"""Production settings pass Django's deployment checks, and every page carries a strict script policy."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k3Yq-production-like-secret-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1",
    "DJANGO_ALLOWED_HOSTS": "bzpeer.example.org",
}


def _manage(*args, **extra_env):
    env = {**os.environ, **PRODUCTION_ENV, **extra_env}
    # Set by the browser test tooling in this process, never in a deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)


def test_check_deploy_under_production_settings_prints_no_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_production_trusts_the_forwarded_proto_header_only_when_a_proxy_is_configured():
    code = ("from django.conf import settings; "
            "print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None), settings.SECURE_SSL_REDIRECT, "
            "settings.SECURE_HSTS_SECONDS > 0, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)")
    direct = _manage("shell", "-v", "0", "-c", code)
    assert direct.stdout.split() == ["None", "True", "True", "True", "True"], direct.stderr
    proxied = _manage("shell", "-v", "0", "-c", code, DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert proxied.stdout.startswith("('HTTP_X_FORWARDED_PROTO', 'https')"), proxied.stderr


@pytest.mark.django_db
def test_pages_carry_a_script_policy_without_inline_code_or_eval():
    response = Client().get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"].split()[0] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"


INLINE_CODE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I),
    re.compile(r"\son[a-z]+\s*=\s*\"", re.I),
    re.compile(r"\shx-on[:-]", re.I),
    re.compile(r"javascript:", re.I),
]


def test_no_template_has_inline_script_event_handler_attributes_or_hx_on():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        offenders += [f"{template.relative_to(ROOT)}: {m.group(0)}" for p in INLINE_CODE for m in p.finditer(text)]
    assert offenders == []


@pytest.mark.django_db
def test_the_api_docs_load_their_start_up_script_from_a_url():
    body = Client().get("/api/docs/").content.decode()
    assert re.search(r"<script>\s*\S", body) is None

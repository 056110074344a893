"""Settings come from the environment, fail loudly, and are safe in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from config.env import envbool, envchoice, envint, envlist
from tests import pages

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k7#Qz1!pV9w$Lm3^Rb8&Tc2*Yx6(Nf4)Hd0-Gs5+Ja7=Ue1_Oi9~",
    "DJANGO_ALLOWED_HOSTS": "coderfolio.example.nhs.uk",
    "DATABASE_URL": "sqlite:///:memory:",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_"))
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_nothing_with_production_variables():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_missing_secret_key_is_a_clear_error_in_production():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_a_bad_boolean_is_a_clear_error():
    result = run_manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_a_bad_database_url_is_a_clear_error():
    result = run_manage(
        "check", env={**PRODUCTION_ENV, "DATABASE_URL": "nosuchdb://x/y"}
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not usable" in result.stderr


def test_an_unknown_tasks_backend_is_a_clear_error():
    result = run_manage(
        "check", env={**PRODUCTION_ENV, "DJANGO_TASKS_BACKEND": "celery"}
    )
    assert result.returncode != 0
    assert (
        "DJANGO_TASKS_BACKEND='celery' is not one of: immediate, database."
        in result.stderr
    )


def test_sign_in_sign_up_and_session_limits_come_from_the_environment():
    show = (
        "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, "
        "s.AXES_COOLOFF_TIME.seconds, s.SIGN_UPS_PER_HOUR, s.EMAIL_CONFIRMATION_DAYS, "
        "s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    )
    defaults = run_manage("shell", "-c", show, env=PRODUCTION_ENV)
    assert defaults.stdout.splitlines()[-1].split() == [
        "5",
        "900",
        "10",
        "3",
        "1800",
        "True",
    ]
    chosen = run_manage(
        "shell",
        "-c",
        show,
        env=PRODUCTION_ENV
        | {
            "DJANGO_SIGN_IN_FAILURES": "3",
            "DJANGO_SIGN_IN_LOCKOUT_MINUTES": "60",
            "DJANGO_SIGN_UPS_PER_HOUR": "50",
            "DJANGO_EMAIL_CONFIRMATION_DAYS": "7",
            "DJANGO_SESSION_IDLE_MINUTES": "15",
            "DJANGO_SESSION_END_AT_BROWSER_CLOSE": "false",
        },
    )
    assert chosen.stdout.splitlines()[-1].split() == [
        "3",
        "3600",
        "50",
        "7",
        "900",
        "False",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("Off", False), ("", True)]
)
def test_envbool(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert envbool("X_FLAG", True) is expected


def test_envint_and_envlist(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "25")
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,")
    assert envint("X_NUMBER", 0) == 25
    assert envlist("X_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_NUMBER", "twenty")
    with pytest.raises(
        ImproperlyConfigured, match="X_NUMBER='twenty' is not a whole number"
    ):
        envint("X_NUMBER", 0)


def test_envchoice(monkeypatch):
    choices = {"immediate": "ImmediateBackend", "database": "DatabaseBackend"}
    assert envchoice("X_BACKEND", choices, default="immediate") == "ImmediateBackend"
    monkeypatch.setenv("X_BACKEND", " database ")
    assert envchoice("X_BACKEND", choices, default="immediate") == "DatabaseBackend"
    # A dotted path is not a name either: only the names above are.
    monkeypatch.setenv("X_BACKEND", "django_tasks_db.DatabaseBackend")
    with pytest.raises(ImproperlyConfigured, match="not one of: immediate, database"):
        envchoice("X_BACKEND", choices, default="immediate")


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    script = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode');"
        "print(c.fetchone()[0], connection.transaction_mode)"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_"))
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **clean,
            **PRODUCTION_ENV,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.split() == ["wal", "IMMEDIATE"], result.stderr


def test_pages_carry_a_csp_without_unsafe_inline(client, db):
    response = client.get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    html = pages.html(response)
    # No inline script or style: the only script is the nonce'd module file.
    assert "<script>" not in html and "style=" not in html
    assert 'type="module"' in html

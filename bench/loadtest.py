"""Figure 6: gunicorn serving the app, locust driving 50 signed-in coders.

Runs once on SQLite (a file in the run's temporary folder, WAL mode as the settings
configure it) and once on PostgreSQL (a throw-away database `coderfolio_bench` on
BENCH_POSTGRES_URL, else on postgres://coderfolio:coderfolio@localhost:5432/ if a
server answers there). Everything is a subprocess with its own environment:
`bench/loaddb.py` prepares and afterwards checks the database, gunicorn serves,
`bench/load_driver.py` runs locust headless. Loopback only, bounded users and time;
gunicorn is always stopped.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.figures import Figure

ROOT = Path(__file__).resolve().parent.parent
USERS = 50
SPAWN_RATE = 10
# BENCH_LOAD_SECONDS shortens the run, to try the machinery (figures say so).
DURATION = int(os.environ.get("BENCH_LOAD_SECONDS", 60))
ITEMS_PER_USER = 300
# Sync workers for 2 cores: one per core plus one to cover requests waiting on I/O.
WORKERS = int(os.environ.get("BENCH_WORKERS", (os.cpu_count() or 2) + 1))
DEFAULT_POSTGRES = "postgres://coderfolio:coderfolio@localhost:5432/postgres"
BENCH_DATABASE = "coderfolio_bench"
DEFAULT_MIX = "dashboard=3,list=3,matrix=2,add=1"  # as in load_driver.py
NAMES = ("load_p95_ms", "load_rps", "load_errors", "load_lost_writes")


def skipped(reason: str, database: str | None = None) -> list[Figure]:
    databases = [database] if database else ["sqlite", "postgresql"]
    return [
        Figure.not_available(f"{name}.{db}", reason)
        for db in databases
        for name in NAMES
    ]


def _failed(error: Exception, database: str) -> list[Figure]:
    """n/a figures for a load test that could not run; the details on stderr."""
    print(f"# load test on {database} failed:\n{error}", file=sys.stderr, flush=True)
    lines = str(error).strip().splitlines() or [type(error).__name__]
    return skipped(f"the load test failed: {lines[-1]}", database)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _python(script: str, *args: str, env: dict, timeout: float) -> str:
    result = subprocess.run(  # noqa: S603 - our own scripts, with our arguments
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{script} {' '.join(args)} failed:\n{result.stderr[-3000:]}"
        )
    return result.stdout


def _wait_until_serving(url: str, server: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer at {url} within {timeout:.0f} s")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_one(database: str, database_url: str, workdir: Path, base_env: dict) -> list:
    """Prepare the database, serve it with gunicorn, drive it, count lost writes."""
    env = {**os.environ, **base_env, "DATABASE_URL": database_url}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    credentials = workdir / f"credentials-{database}.json"
    result_file = workdir / f"load-{database}.json"
    print(
        f"# load test on {database}: preparing {USERS} coders with "
        f"{ITEMS_PER_USER} items each ...",
        flush=True,
    )
    _python(
        "loaddb.py",
        "prepare",
        "--users",
        str(USERS),
        "--items",
        str(ITEMS_PER_USER),
        "--credentials",
        str(credentials),
        env=env,
        timeout=600,
    )
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    with open(workdir / f"gunicorn-{database}.log", "w") as log:
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        try:
            _wait_until_serving(f"{host}/account/sign-in/", server, timeout=60)
            print(
                f"# load test on {database}: gunicorn ({WORKERS} workers), locust "
                f"{USERS} users for {DURATION} s ...",
                flush=True,
            )
            _python(
                "load_driver.py",
                "--host",
                host,
                "--users",
                str(USERS),
                "--spawn-rate",
                str(SPAWN_RATE),
                "--duration",
                str(DURATION),
                "--credentials",
                str(credentials),
                "--out",
                str(result_file),
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                timeout=DURATION + 300,
            )
        finally:
            _stop(server)
    result = json.loads(result_file.read_text())
    found = json.loads(
        _python(
            "loaddb.py", "count", "--titles", str(result_file), env=env, timeout=120
        )
    )
    lost = len(result["created"]) - found["found"]
    window = (
        f"{result['requests']} requests in {result['seconds']:.0f} s, "
        f"{USERS} users, {WORKERS} gunicorn workers"
    )
    if result["mix"] != DEFAULT_MIX:
        window += f", mix {result['mix']} (not the default)"
    per_page = ", ".join(
        f"{name} {stats['p95_ms']:.0f}" for name, stats in result["by_name"].items()
    )
    errors_note = "; ".join(
        f"{count}x {error}" for error, count in result["errors"].items()
    )
    return [
        Figure(
            f"load_p95_ms.{database}",
            float(result["p95_ms"]),
            "ms",
            f"p50 {result['p50_ms']:.0f} ms; p95 by page: {per_page}; {window}",
        ),
        Figure(f"load_rps.{database}", float(result["rps"]), "req/s", window),
        Figure(
            f"load_errors.{database}",
            result["failures"],
            "errors",
            errors_note or window,
        ),
        Figure(
            f"load_lost_writes.{database}",
            lost,
            "items",
            f"{len(result['created'])} created with success, {found['found']} in the "
            "database",
        ),
    ]


def _postgres_server() -> str | None:
    """The server URL to use, or None when no PostgreSQL answers."""
    url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    try:
        import psycopg

        with psycopg.connect(_with_database(url, "postgres"), connect_timeout=3):
            return url
    except Exception:
        return None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _recreate_database(server_url: str, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(
        _with_database(server_url, "postgres"), autocommit=True
    ) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def run_all(workdir: Path, base_env: dict) -> list[Figure]:
    figures = []
    try:
        figures += run_one(
            "sqlite", f"sqlite:///{workdir / 'load.sqlite3'}", workdir, base_env
        )
    except Exception as error:
        figures += _failed(error, "sqlite")
    server_url = _postgres_server()
    if server_url is None:
        return figures + skipped(
            "no PostgreSQL server answers (set BENCH_POSTGRES_URL)", "postgresql"
        )
    try:
        _recreate_database(server_url)
        figures += run_one(
            "postgresql",
            _with_database(server_url, BENCH_DATABASE),
            workdir,
            base_env,
        )
    except Exception as error:
        figures += _failed(error, "postgresql")
    finally:
        try:
            _recreate_database(server_url, drop_only=True)
        except Exception as error:
            print(f"# could not drop {BENCH_DATABASE}: {error}", flush=True)
    return figures

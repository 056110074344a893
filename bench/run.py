"""Coderfolio benchmarks: `python bench/run.py [--quick]` (`make bench[-quick]`).

Seeds a throw-away database with generated data, measures, prints one line per figure
(`name: value unit (notes)`, or `name: n/a (reason)`) and writes the same figures to
bench/last-run.json. See bench/README.md for what each figure means.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "last-run.json"

# The environment a throw-away, production-like (debug off) Django needs.
BASE_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-never-used-anywhere-else-0123456789",
    "DJANGO_HTTPS": "false",
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "DJANGO_STATICFILES_STORAGE": (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    ),
    "DJANGO_LOG_LEVEL": "WARNING",
}


def setup_django(database_url: str) -> None:
    os.environ.update(BASE_ENV)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _git() -> dict | None:
    """The commit measured, and whether the working tree had changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    except OSError:
        return None
    if commit.returncode != 0:
        return None
    return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="under a minute: fewer runs, a smaller list, no load test",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="coderfolio-bench-"))
    try:
        return run(args.quick, workdir, started)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(quick: bool, workdir: Path, started: float) -> int:
    # An empty static root: whitenoise wants one to exist; nothing is served from it.
    (workdir / "static").mkdir()
    BASE_ENV["DJANGO_STATIC_ROOT"] = str(workdir / "static")
    # Packs and zips are written here (by the pack workers of `packs_ready_seconds`
    # too), and go with the rest.
    BASE_ENV["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    load_before = os.getloadavg()
    setup_django(f"sqlite:///{workdir / 'bench.sqlite3'}")
    from django.core.management import call_command
    from django.db import connection

    from bench import inprocess, loadtest, packs_ready
    from bench.figures import ORDER

    mode = "quick" if quick else "full"
    print(f"# Coderfolio benchmarks, {mode} run: preparing the data ...", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    plan = inprocess.Plan.make(quick)
    portfolios = inprocess.Portfolios()

    figures = {}

    def report(batch) -> None:
        for figure in batch:
            figures[figure.name] = figure
            print(figure.line(), flush=True)

    for measure in inprocess.MEASUREMENTS:
        report(measure(portfolios, plan))
    pack_seconds = figures["pack_seconds"].value
    report([packs_ready.packs_ready(portfolios, plan, workdir, pack_seconds)])
    connection.close()
    if quick:
        report(loadtest.skipped("skipped in quick mode"))
    else:
        report(loadtest.run_all(workdir, BASE_ENV))

    missing = [name for name in ORDER if name not in figures]
    assert not missing, f"figures not reported: {missing}"
    elapsed = time.perf_counter() - started
    generation = ", ".join(
        f"{n} items {seconds:.1f} s"
        for n, seconds in sorted(portfolios.seconds.items())
    )
    RESULTS.write_text(
        json.dumps(
            {
                "mode": mode,
                "timestamp": datetime.datetime.now(datetime.UTC).isoformat(
                    timespec="seconds"
                ),
                "seconds": round(elapsed, 1),
                "machine": {
                    "nproc": os.cpu_count(),
                    # Other work on the machine skews times (ratios less so).
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()],
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "database": {
                    "in_process": f"sqlite {connection.Database.sqlite_version}",
                    "load": "sqlite and postgresql" if not quick else None,
                },
                "git": _git(),
                "data_generation": generation,
                "figures": {name: figures[name].as_json() for name in ORDER},
            },
            indent=2,
        )
        + "\n"
    )
    print(
        f"# {mode} run took {elapsed:.0f} s (data: {generation}); "
        f"figures written to {RESULTS.relative_to(ROOT)}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

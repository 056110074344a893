"""Figure 7's worker: build one zip of packs with the app's task in a real task
worker, and report its time and peak memory.

    DJANGO_TASKS_BACKEND=database python bench/zip_build.py --zip ID

Runs against whatever DATABASE_URL and DJANGO_SETTINGS_MODULE name (the bench's own
database, from bench/run.py). Runs `manage.py db_worker --batch` once with nothing
queued (the worker's own cost), then queues `recruitment.tasks.build_zip` for the
zip and runs the worker again until the queue is empty. Prints JSON: the second
run's seconds (start to exit), and the peak resident memory of each worker process
(`ru_maxrss` of this process's children: the largest so far, so the second figure
is the busy worker's unless the idle one was larger).
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _worker() -> None:
    subprocess.run(  # noqa: S603 - Django's worker, our arguments
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=1200,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--zip", type=int, required=True)
    args = parser.parse_args()

    import django

    django.setup()
    from recruitment.tasks import build_zip

    _worker()
    idle = _children_peak_mb()
    build_zip.enqueue(args.zip)
    started = time.perf_counter()
    _worker()
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {"seconds": seconds, "peak_mb": _children_peak_mb(), "idle_peak_mb": idle}
        )
    )


if __name__ == "__main__":
    main()

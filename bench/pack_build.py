"""Figure 5's measuring process: build one application's PDF pack, timed, in a fresh
process, so that its peak memory is the pack's and not the earlier figures'.

    python bench/pack_build.py --application ID --runs 5 [--html FILE] [--profile FILE]

Runs against whatever DATABASE_URL and DJANGO_SETTINGS_MODULE name (the bench's own
database, from bench/run.py). Reads the application's frozen snapshot, builds the full
pack once to warm up (fonts, the parsed stylesheet, the charts), then `--runs`
more times, and prints JSON: the times, the pages, the PDF's size and the process's
peak resident memory (`ru_maxrss`, the whole process's life: Python, Django,
WeasyPrint and the builds) with its value before the first build.

`--html FILE` also writes the pack's HTML with its stylesheet inline, as WeasyPrint
gets it, for Chromium to print. `--profile FILE` (diagnosis only; needs pyinstrument)
profiles one more build and writes pyinstrument's text report to FILE.
"""

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    """The process's peak resident set so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--application", type=int, required=True)
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--html", type=Path)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()

    import django

    django.setup()
    from applications import pack
    from applications.models import Snapshot

    content = Snapshot.objects.get(application_id=args.application).content
    before = {"peak_mb": _peak_mb(), "rss_mb": _current_mb()}

    started = time.perf_counter()
    pdf, pages = pack.build_pdf(
        content, application_id=args.application, anonymised=False
    )
    warmup = time.perf_counter() - started
    after_warmup = _peak_mb()
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        pdf, pages = pack.build_pdf(
            content, application_id=args.application, anonymised=False
        )
        times.append(time.perf_counter() - started)
    result = {
        "warmup_seconds": warmup,
        "seconds": times,
        "pages": pages,
        "pdf_bytes": len(pdf),
        "snapshot_bytes": len(content.encode()),
        "before": before,
        "peak_mb_after_warmup": after_warmup,
        "peak_mb": _peak_mb(),
    }

    if args.html:
        args.html.write_text(_html(pack, content, args.application), encoding="utf-8")
    if args.profile:
        from pyinstrument import Profiler

        with Profiler(interval=0.001) as profiler:
            pack.build_pdf(content, application_id=args.application, anonymised=False)
        args.profile.write_text(profiler.output_text(show_all=False))
    print(json.dumps(result))


def _html(pack, content: str, application_id: int) -> str:
    """The full pack's HTML, as build_pdf renders it, with the stylesheet inline."""
    import hashlib

    sha256 = hashlib.sha256(content.encode()).hexdigest()
    html = pack.render_html(
        json.loads(content),
        snapshot_sha256=sha256,
        pack_id=pack.pack_id(application_id, sha256),
        anonymised=False,
    )
    style = f"<style>\n{pack._stylesheet_text()}\n</style>\n</head>"
    return html.replace("</head>", style, 1)


if __name__ == "__main__":
    main()

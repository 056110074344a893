"""Drive a running Coderfolio with locust, headless, as a library (figure 6).

    python bench/load_driver.py --host http://127.0.0.1:PORT --users 50 \
        --spawn-rate 10 --duration 60 --credentials FILE --out RESULT.json

Each simulated coder signs in with the credentials file, then, with 1 to 3 s of
thinking between actions, reads the dashboard (3 in 9), the evidence list (3 in 9),
the UHD coverage matrix (2 in 9), or adds a CPD item (1 in 9: GET the form, POST it).
A creation counts only when answered with a redirect to the new item's page; its
(unique) title is recorded, so that lost writes can be counted afterwards.

The measured window starts once every user has signed in (sign-in hashes a password
and is not part of the mix) and lasts --duration seconds; its statistics are written
to --out as JSON, with the titles created.
"""

import argparse
import itertools
import json
import os
import re
import time
from pathlib import Path

# locust patches the standard library with gevent when imported, before anything
# opens a socket: keep these imports first.
import gevent
from gevent.event import Event
from locust import HttpUser, between, task
from locust.env import Environment

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_URL = re.compile(r"^/portfolio/evidence/\d+/$")
MATRIX = "/specifications/uhd-senior-clinical-coder-v1/"

# The mix; BENCH_LOAD_MIX (e.g. "dashboard=0,list=3,matrix=2,add=1") changes it, to
# find out which page limits the load test. The figures say when it is not the default.
DEFAULT_MIX = "dashboard=3,list=3,matrix=2,add=1"
MIX = {
    name: int(weight)
    for name, weight in (
        pair.split("=")
        for pair in os.environ.get("BENCH_LOAD_MIX", DEFAULT_MIX).split(",")
    )
}

CREDENTIALS: dict = {}
SIGNED_IN: list[str] = []
ALL_SIGNED_IN = Event()
CREATED: list[str] = []
SERIAL = itertools.count(1)


def _token(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise ValueError("no CSRF token on the page")
    return match.group(1)


class Coder(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.email = CREDENTIALS["emails"].pop()
        self.number = len(CREDENTIALS["emails"])
        form = self.client.get("/account/sign-in/", name="sign-in")
        with self.client.post(
            "/account/sign-in/",
            data={
                "username": self.email,
                "password": CREDENTIALS["password"],
                "csrfmiddlewaretoken": _token(form.text),
            },
            allow_redirects=False,
            name="sign-in",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
        SIGNED_IN.append(self.email)
        if len(SIGNED_IN) >= CREDENTIALS["users"]:
            ALL_SIGNED_IN.set()
        ALL_SIGNED_IN.wait()
        self.wait()  # think first, so that 50 users do not all start at once

    def _read(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.history or response.status_code != 200:
                response.failure(
                    f"{name}: {response.status_code}, redirected "
                    f"{[r.status_code for r in response.history]}"
                )

    @task(MIX["dashboard"])
    def dashboard(self) -> None:
        self._read("/portfolio/", "dashboard")

    @task(MIX["list"])
    def evidence_list(self) -> None:
        self._read("/portfolio/evidence/", "evidence list")

    @task(MIX["matrix"])
    def matrix(self) -> None:
        self._read(MATRIX, "matrix")

    @task(MIX["add"])
    def add_cpd(self) -> None:
        url = "/portfolio/evidence/add/cpd/"
        form = self.client.get(url, name="add CPD (form)")
        if form.status_code != 200:
            return
        # No e-mail address in it: the PID guard would refuse the form.
        title = f"Load test CPD {self.number}-{next(SERIAL)}-{time.time_ns()}"
        today = time.localtime()
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": _token(form.text),
                "title": title,
                "cpd_type": "elearning",
                "provider": "NHS England",
                "date_day": str(today.tm_mday),
                "date_month": str(today.tm_mon),
                "date_year": str(today.tm_year),
                "hours": "1.5",
                "reflection": "Applied what I learnt in my next batch of coding.",
            },
            allow_redirects=False,
            name="add CPD (post)",
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and ITEM_URL.match(location):
                CREATED.append(title)
            else:
                response.failure(
                    f"add CPD answered {response.status_code} {location}".strip()
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--spawn-rate", type=float, required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--credentials", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    CREDENTIALS.update(json.loads(args.credentials.read_text()))
    CREDENTIALS["users"] = args.users
    if len(CREDENTIALS["emails"]) < args.users:
        raise SystemExit("fewer credentials than users")

    env = Environment(user_classes=[Coder], host=args.host)
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    if not ALL_SIGNED_IN.wait(timeout=300):
        runner.quit()
        raise SystemExit(f"only {len(SIGNED_IN)} of {args.users} users signed in")
    sign_in = env.stats.get("sign-in", "POST")
    sign_in_p95 = sign_in.get_response_time_percentile(0.95) if sign_in else None
    sign_in_seconds = time.monotonic() - started
    env.stats.reset_all()
    created_before = len(CREATED)
    window_started = time.monotonic()
    gevent.sleep(args.duration)
    seconds = time.monotonic() - window_started
    total = env.stats.total
    result = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "seconds": seconds,
        "rps": total.num_requests / seconds,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "max_ms": total.max_response_time,
        "by_name": {
            f"{method} {name}": {
                "requests": stats.num_requests,
                "failures": stats.num_failures,
                "p50_ms": stats.get_response_time_percentile(0.5),
                "p95_ms": stats.get_response_time_percentile(0.95),
            }
            for (name, method), stats in sorted(env.stats.entries.items())
            if stats.num_requests
        },
        "errors": {
            f"{error.method} {error.name}: {error.error}": error.occurrences
            for error in env.stats.errors.values()
        },
        "sign_in_seconds": sign_in_seconds,
        "sign_in_p95_ms": sign_in_p95,
        "created_in_window": len(CREATED) - created_before,
        "mix": os.environ.get("BENCH_LOAD_MIX", DEFAULT_MIX),
    }
    runner.quit()
    # Titles created after the window closed (while users stopped) still count as
    # writes that must be in the database.
    result["created"] = list(CREATED)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

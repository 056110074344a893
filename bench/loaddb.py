"""The load test's database, on whatever DATABASE_URL names (a throw-away one).

    python bench/loaddb.py prepare --users 50 --items 300 --credentials FILE
    python bench/loaddb.py count --titles RESULT_FILE

`prepare` migrates and creates the coders, each with a generated portfolio; their
password is hashed once and the hash shared, so that setting up 50 users costs one
PBKDF2 hash (signing them in costs 50, on the server). `count` prints how many of the
titles the load driver saw created are in the database, as JSON.
"""

import argparse
import json
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    prepare = commands.add_parser("prepare")
    prepare.add_argument("--users", type=int, required=True)
    prepare.add_argument("--items", type=int, required=True)
    prepare.add_argument("--credentials", type=Path, required=True)
    count = commands.add_parser("count")
    count.add_argument("--titles", type=Path, required=True)
    args = parser.parse_args()

    import django

    django.setup()
    if args.command == "prepare":
        _prepare(args.users, args.items, args.credentials)
    else:
        _count(args.titles)


def _prepare(users: int, items: int, credentials: Path) -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from bench import datagen

    call_command("migrate", verbosity=0, interactive=False)
    password = secrets.token_urlsafe(16)
    hashed = make_password(password)
    emails = []
    for i in range(users):
        email = f"load-{i}@bench.coderfolio.test"
        user = datagen.make_coder(email, password_hash=hashed)
        datagen.generate_portfolio(user, items, seed=i)
        emails.append(email)
    credentials.write_text(json.dumps({"password": password, "emails": emails}))


def _count(result_file: Path) -> None:
    from portfolio.models import Evidence

    created = json.loads(result_file.read_text())["created"]
    found = 0
    for start in range(0, len(created), 500):
        batch = created[start : start + 500]
        found += Evidence.objects.filter(title__in=batch).count()
    print(json.dumps({"found": found}))


if __name__ == "__main__":
    main()

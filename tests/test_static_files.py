"""The vendored NHS.UK frontend is complete, self-hosted and survives collectstatic."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor" / "nhsuk-frontend"


def test_nothing_is_loaded_from_another_host():
    css = (VENDOR / "nhsuk-frontend.min.css").read_text()
    assert "@font-face" not in css
    urls = re.findall(r"url\(([^)]*)\)", css)
    assert urls, "the icons should still be referenced"
    for url in urls:
        assert not url.strip("\"'").startswith(("http:", "https:", "//", "/")), url
        assert (VENDOR / url.strip("\"'")).is_file(), url


def test_collectstatic_with_the_manifest_storage_succeeds(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_DEBUG": "true",
            "DJANGO_STATIC_ROOT": str(tmp_path),
            "DATABASE_URL": "sqlite:///:memory:",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/nhsuk-frontend/nhsuk-frontend.min.css" in manifest
    assert "js/app.mjs" in manifest

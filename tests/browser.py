"""Helpers for the Playwright tests: accessibility scans and console checks."""

from playwright.sync_api import Page
from pytest_playwright_axe import Axe
from pytest_playwright_axe.axe import WCAG_22AA_RULESET

_axe = Axe()


def assert_no_axe_violations(page: Page, rules: list[str] | None = None) -> None:
    """Run axe-core's WCAG 2.2 AA rules (and best practice) on the page as it is now;
    or only the `rules` named, e.g. an experimental rule that no tag turns on
    ("label-content-name-mismatch")."""
    run_only = (
        {"type": "rule", "values": rules}
        if rules
        else {"type": "tag", "values": WCAG_22AA_RULESET}
    )
    results = _axe.run(
        page,
        options={"runOnly": run_only},
        html_report_generated=False,
        json_report_generated=False,
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in results["violations"]
    ]
    assert problems == [], f"axe found violations on {page.url}:\n" + "\n".join(
        problems
    )
    assert results["passes"], "axe ran no checks at all"

"""axe-core (web/node_modules/axe-core, pinned in web/package.json) run in the page as it is now:
its violations by impact, printed; any critical or serious one fails the test."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


def violations(page: Page) -> list[dict]:
    """axe's violations of the page (WCAG 2.1 A and AA, and best practices), once every transition
    has ended (an alert fading in has, for a moment, colours between the page's and its own)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    page.evaluate(  # an endless one (a spinner) is not waited for beyond a second
        """Promise.race([Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))),
            new Promise((done) => setTimeout(done, 1000))])"""
    )
    return page.evaluate(  # type: ignore[no-any-return]
        """async () => (await axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')).slice(0, 5),
            count: v.nodes.length }))"""
    )


def accessible(page: Page, name: str) -> None:
    """Fails on any critical or serious violation, naming each rule and its first elements."""
    found = violations(page)
    counts = {impact: sum(v["count"] for v in found if v["impact"] == impact) for impact in BLOCKING}
    print(f"axe {name}: critical {counts['critical']}, serious {counts['serious']}")
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(
        f"{v['impact']} {v['id']} ({v['count']}): {v['help']}: {v['nodes']}" for v in blocking
    )

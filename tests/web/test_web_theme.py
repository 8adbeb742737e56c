"""The AA theme (web/src/styles.css) in every state: each kind of button, link and tag the client uses, in
each type, on the specimen page /theme, hover, focus and active forced on the elements marked with them
through the DevTools protocol (CSS.forcePseudoState: no mouse, no timing). axe finds no violation; every
text is 4.5:1 against what is behind it and every focus ring 3:1 against what is around it, measured by
tests/web/contrast.js, which also measures what axe leaves out (disabled controls, text under a veil)."""

from __future__ import annotations

from pathlib import Path

from axe import accessible, settle
from conftest import Demo, snap
from playwright.sync_api import CDPSession, Page, expect

CONTRAST = Path(__file__).with_name("contrast.js")
# the specimen's states a user gives: the pseudo-classes each forces
FORCED = {
    "hover": ["hover"],
    "focus": ["focus", "focus-visible"],
    "active": ["hover", "active"],
    "focus hover": ["focus", "focus-visible", "hover"],
}
SPECIMENS = 5 * 6 * 7 + 3 * 5 + 5  # buttons: variants × types × states; tags: effects × types; links: states


def force(page: Page, forced: dict[str, list[str]]) -> CDPSession:
    """Forces each state's pseudo-classes on the elements marked with it; they hold while the session lives."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    for state, classes in forced.items():
        nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": f'[data-state="{state}"]'})["nodeIds"]
        assert nodes, state
        for node in nodes:
            cdp.send("CSS.forcePseudoState", {"nodeId": node, "forcedPseudoClasses": classes})
    return cdp


def test_every_state_of_buttons_links_and_tags_meets_aa(page: Page, demo: Demo) -> None:
    page.goto("/theme")
    specimens = page.locator("[data-state]")
    expect(specimens).to_have_count(SPECIMENS)
    cdp = force(page, FORCED)
    settle(page)
    primary = page.locator(".el-button--primary:not(.is-plain, .is-text, .is-link)")
    grounds = [primary.nth(n).evaluate("(e) => getComputedStyle(e).backgroundColor") for n in range(4)]
    assert len(set(grounds)) == 3, grounds  # the states took: rest, hover and active differ; focus is rest's
    snap(page, "theme-specimen")

    page.add_script_tag(path=str(CONTRAST))
    measured = page.evaluate("tmisContrast('[data-state]')")
    assert len(measured) >= SPECIMENS, len(measured)
    for what in ("text", "focus ring"):
        of = [m for m in measured if m["what"] == what]
        least = min(of, key=lambda m: m["ratio"])
        print(f"theme {what}: {len(of)} measured, least {least['ratio']:.2f} ({least['name']}: {least['detail']})")
    failed = [m for m in measured if m["ratio"] < m["least"] or m["problems"]]
    assert not failed, f"{len(failed)} below AA:\n" + "\n".join(
        f"{m['name']}: {m['what']} {m['ratio']:.2f} < {m['least']} ({m['detail']}) {' '.join(m['problems'])}"
        for m in failed
    )
    accessible(page, "theme specimen")
    cdp.detach()

"""axe-core (web/node_modules/axe-core, pinned in web/package.json) run in the page once it has settled:
its violations by impact, printed; any critical or serious one fails the test.

What the page is when axe looks at it does not depend on timing or on where the last click was:
- the pointer is parked outside the page (nothing hovered) unless `hover` names the element to hover: a
  test's last click leaves the mouse over whatever is there now, which is not what the test checks;
- focus stays where the test left it: it is part of what the test did (a click focuses a button, as a
  tap does on a phone). A test that wants a focus state puts it there (`locator.focus()`) and checks it
  (`expect(locator).to_be_focused()`) before; the printed line names the focused element;
- web fonts are loaded and no animation or transition is running, seen over two animation frames in a
  row (a transition starts a frame after the style that causes it); an endless one (a spinner) is not
  waited for. One still running after SETTLE_LIMIT_MS fails the test, named;
- while axe runs (it yields to the page between rules), transitions are off and animations paused: what
  changes meanwhile (a toast closing itself after 3 s) changes at once, never through colours between.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")
SETTLE_LIMIT_MS = 10_000

_SETTLE = """async (limit) => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()))
  const running = () => document.getAnimations().filter((a) => a.playState === 'running'
    && a.effect?.getComputedTiming().endTime !== Infinity)
  await document.fonts.ready
  const end = performance.now() + limit
  for (let quiet = 0; quiet < 2; ) {
    await frame()
    const left = running()
    quiet = left.length ? 0 : quiet + 1
    if (left.length && performance.now() > end) {
      return left.map((a) => `${a.animationName || a.transitionProperty} on ${a.effect?.target?.className}`)
    }
  }
  return []
}"""
_AXE = """async () => {
  const still = document.createElement('style')
  still.textContent = '*, *::before, *::after { transition: none !important; animation-play-state: paused !important }'
  document.head.append(still)
  try {
    return (await axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' '
        + (n.failureSummary || '').split('\\n').slice(1, 2).join('')) }))
  } finally {
    still.remove()
  }
}"""
_FOCUSED = """(() => { const e = document.activeElement
  return !e || e === document.body ? 'nothing' : e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + [...e.classList].slice(0, 2).map((c) => '.' + c).join('') })()"""


def settle(page: Page, hover: Locator | None = None) -> None:
    """The pointer parked (or over `hover`), then fonts loaded and every finite animation ended."""
    if hover is None:
        page.mouse.move(-1, -1)  # outside the viewport: nothing is hovered
    else:
        hover.hover()
    running = page.evaluate(_SETTLE, SETTLE_LIMIT_MS)
    assert not running, f"still animating after {SETTLE_LIMIT_MS} ms: {running}"


def violations(page: Page, hover: Locator | None = None) -> list[dict]:
    """axe's violations of the settled page (WCAG 2.1 A and AA, and best practices)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    settle(page, hover)
    return page.evaluate(_AXE)  # type: ignore[no-any-return]


def accessible(page: Page, name: str, hover: Locator | None = None) -> None:
    """Fails on any critical or serious violation, naming each rule and its first elements."""
    found = violations(page, hover)
    counts = {impact: sum(v["count"] for v in found if v["impact"] == impact) for impact in BLOCKING}
    focused = page.evaluate(_FOCUSED)
    print(f"axe {name}: critical {counts['critical']}, serious {counts['serious']} (focus: {focused})")
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(
        f"{v['impact']} {v['id']} ({v['count']}): {v['help']}: {v['nodes']}" for v in blocking
    )

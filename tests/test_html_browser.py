"""The HTML report and portfolio index in a real headless browser (Debian's chromium).

Checks what a reader would see: the checklist and findings are shown, nothing logs an error,
hostile contract text stays text (its script never runs), the index sorts when a heading is
clicked, and the report prints. Skipped, with the reason, when chromium (or, for the interactive
tests, Playwright for Python) is not installed; CI installs chromium through .ci/run.

Playwright drives the system chromium through `executable_path`; `playwright install` is never
needed (and could not download a browser here).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

try:
    from test_html_report import HOSTILE_MD_NAME, HOSTILE_TXT_NAME, write_hostile_contracts
except ImportError:  # pytest's importlib mode does not put tests/ on sys.path
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_html_report import HOSTILE_MD_NAME, HOSTILE_TXT_NAME, write_hostile_contracts

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


CHROMIUM = _chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    """A scanned folder: one real sample, two hostile contracts and one unreadable file."""
    from reviewer.scan import ScanSettings, run_scan
    base = tmp_path_factory.mktemp("browser")
    src = base / "in"
    write_hostile_contracts(src)
    shutil.copy(ROOT / "samples" / "northwind-managed-services.docx", src)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n\x00\x01garbage")
    results = run_scan(src, base / "out", ScanSettings(), workers=1, progress=False)
    reports = {r["file"]: base / "out" / r["report"] for r in results if r["status"] == "ok"}
    return {"out": base / "out", "index": base / "out" / "index.html", "reports": reports, "results": results}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True,
                                                       args=FLAGS, viewport={"width": 1280, "height": 900})
        try:
            yield context
        finally:
            context.close()


class Page:
    """A page with its console errors, uncaught exceptions and dialogs collected."""

    def __init__(self, context, path: Path):
        self.page = context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.page.close()


@needs_chromium
def test_report_shows_checklist_and_findings(browser, portfolio):
    result = next(r for r in portfolio["results"] if r["file"].startswith("northwind"))
    with Page(browser, portfolio["reports"][result["file"]]) as p:
        page = p.page
        assert page.locator("#verdict .headline").is_visible()
        assert page.locator("#checklist").is_visible()
        assert page.locator("#checklist .item").count() == len(result["checklist"])
        for c in result["checklist"]:
            card = page.locator(f"#item-{c['id']}")
            assert card.is_visible()
            assert card.locator(".badge").inner_text().strip() == c["status"].replace("_", " ")
        assert page.locator("#findings").is_visible()
        if result["findings"]:
            assert page.locator("#findings .finding").count() >= 1
            assert page.locator("#findings .finding").first.is_visible()
        assert page.locator("svg.chart rect").count() == len(result["checklist"])
        assert page.locator("#service-levels table.matrix").is_visible() or not result["facts"]["sla_matrix"]
        assert p.errors == [] and p.dialogs == []


@needs_chromium
def test_evidence_link_jumps_to_its_clause(browser, portfolio):
    result = next(r for r in portfolio["results"] if r["file"].startswith("northwind"))
    with Page(browser, portfolio["reports"][result["file"]]) as p:
        page = p.page
        link = page.locator("#checklist blockquote .src a").first
        target = link.get_attribute("href")
        link.click()
        page.wait_for_function("h => location.hash === h", arg=target)
        box = page.locator(target).bounding_box()
        nav = page.locator("nav.toc").bounding_box()
        assert box is not None and box["y"] < 900, "the clause is not scrolled into view"
        assert box["y"] >= nav["y"] + nav["height"] - 2, "the clause is hidden under the sticky navigation"
        assert page.evaluate("h => document.querySelector(h).matches(':target')", target)


@needs_chromium
@pytest.mark.parametrize("name", [HOSTILE_MD_NAME, HOSTILE_TXT_NAME])
def test_hostile_text_is_shown_not_run(browser, portfolio, name):
    with Page(browser, portfolio["reports"][name]) as p:
        page = p.page
        page.wait_for_timeout(300)  # give any stray onload/onerror a chance to fire
        assert page.evaluate("() => typeof window.__pwned") == "undefined"
        assert p.dialogs == []
        assert page.evaluate("() => document.scripts.length") == 0
        assert page.locator("main img").count() == 0
        assert page.evaluate("() => Array.from(document.querySelectorAll('*')).filter("
                             "e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length") == 0
        text = page.locator("body").inner_text()
        assert "<script>window.__pwned=1</script>" in text
        assert "onload=window.__pwned=4>" in text
        assert name in page.title() and name in text
        assert p.errors == []


@needs_chromium
def test_index_sorts_when_a_heading_is_clicked(browser, portfolio):
    with Page(browser, portfolio["index"]) as p:
        page = p.page
        assert page.evaluate("() => typeof window.__pwned") == "undefined" and p.dialogs == []
        rows = page.locator("#portfolio tbody tr")
        assert rows.count() == len(portfolio["results"])
        assert page.locator("#portfolio tr.error").count() == 1
        assert "Could not be reviewed" in page.locator("#portfolio tr.error").inner_text()

        def scores():
            return page.eval_on_selector_all("#portfolio tbody tr", "rs => rs.map(r => +r.cells[1].dataset.v)")

        def files():
            return page.eval_on_selector_all("#portfolio tbody tr", "rs => rs.map(r => r.cells[0].dataset.v)")

        score_head = page.locator("#portfolio th[data-col='1']")
        score_head.click()
        assert scores() == sorted(scores()) and score_head.get_attribute("aria-sort") == "ascending"
        score_head.click()
        assert scores() == sorted(scores(), reverse=True) and score_head.get_attribute("aria-sort") == "descending"
        assert scores()[-1] == -1  # the unreadable file sorts last, not first, on a descending score

        page.locator("#portfolio th[data-col='0']").click()
        assert files() == sorted(files(), key=str.lower)

        heat = page.locator("#portfolio th.rot").first
        col = heat.get_attribute("data-col")
        heat.click()
        ranks = page.eval_on_selector_all("#portfolio tbody tr", f"rs => rs.map(r => +r.cells[{col}].dataset.v)")
        assert ranks == sorted(ranks)
        assert p.errors == [], p.errors  # a CSP violation (script hash mismatch) would show here


@needs_chromium
def test_index_rows_link_to_their_reports(browser, portfolio):
    with Page(browser, portfolio["index"]) as p:
        links = p.page.eval_on_selector_all("#portfolio tbody a", "as => as.map(a => a.href)")
        assert len(links) == sum(1 for r in portfolio["results"] if r["status"] == "ok")
        for href in links:
            assert href.startswith("file://")
        p.page.locator("#portfolio tbody a", has_text="northwind").click()
        p.page.wait_for_load_state("load")
        assert p.page.locator("#verdict").is_visible()


@needs_chromium
def test_report_prints(browser, portfolio, tmp_path):
    name = next(f for f in portfolio["reports"] if f.startswith("northwind"))
    with Page(browser, portfolio["reports"][name]) as p:
        p.page.emulate_media(media="print")
        assert not p.page.locator("nav.toc").is_visible()
        pdf = p.page.pdf(format="A4", print_background=True)
        assert pdf[:5] == b"%PDF-" and len(pdf) > 10_000


@needs_chromium
def test_dump_dom_keeps_hostile_text_inert(portfolio, tmp_path):
    """The same check without Playwright: chromium's own --dump-dom prints the DOM after load."""
    report = portfolio["reports"][HOSTILE_TXT_NAME]
    proc = subprocess.run([CHROMIUM, "--headless", *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                           "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120)
    dom = proc.stdout
    assert "</html>" in dom, proc.stderr[-2000:]
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in dom
    assert "<img" not in dom.lower()

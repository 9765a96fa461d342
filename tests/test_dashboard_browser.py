"""The circle dashboards in a real browser: Debian's chromium driven by Playwright, against
`okanalysis dashboard` serving a small demo province.

Each run starts its own Voila on a free local port with its own Jupyter and home folders,
waits for it (60 s for the first kernel), and stops its own process group at the end. Without
chromium or Playwright the tests are skipped, except under CI (`CI` set), where they fail.
"""

from __future__ import annotations

import contextlib
import http.client
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from okanalysis import privacy
from okanalysis.components import COMPONENT_CODES
from okanalysis.dashboard import server as dashboard
from tests.support import browser as support
from tests.test_dashboard_ui import opportunity_cells

pytestmark = pytest.mark.browser

FIRST_KERNEL_S = 60
PAGE_MS = 60_000
VIEWPORT = support.VIEWPORT


def start(
    root: Path, data: Path, *, lan: bool = False, token: str = "", tls: Path | None = None
) -> support.Background:
    """`okanalysis dashboard` on a free port, with its own home, Jupyter folders and store;
    over HTTPS with the certificate and key in the folder `tls` (see `dashboard.self_signed`)."""
    s = dashboard.ServerSettings(
        data=data,
        store=root / "circles.sqlite",
        port=support.free_port(),
        lan=lan,
        token=token,
        certfile=tls / dashboard.CERT_NAME if tls else None,
        keyfile=tls / dashboard.KEY_NAME if tls else None,
    )
    return support.Background(s, root)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "demo"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "okanalysis", "--quiet", "demo", "--scale", "0.02"),
            *("--format", "parquet", "--out", str(out)),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 0, run.stderr
    return out


@pytest.fixture(scope="module")
def dataset(demo_dir):
    import okanalysis

    return okanalysis.load(demo_dir, progress=False)


@pytest.fixture(scope="module")
def server(browser, demo_dir, tmp_path_factory):
    s = start(tmp_path_factory.mktemp("server"), demo_dir)
    try:
        s.wait_ready("circle", 1, timeout=FIRST_KERNEL_S)
        yield s
    finally:
        s.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    p = context.new_page()
    p.errors = []
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    yield p
    from playwright.sync_api import Error as PlaywrightError

    with contextlib.suppress(PlaywrightError):  # a test may have closed it already
        p.close(run_before_unload=True)  # as a person closes the tab: Voila stops the kernel
    context.close()


def villages_with_figures(dataset) -> list[str]:
    from okanalysis import potential

    roll = potential.rollup(dataset, "village", shareable=True)
    return sorted(roll.loc[~roll[privacy.SUPPRESSED], "unit_code"].astype(str))


def open_circle(page, server, village: str | None = None) -> None:
    query = f"village={village}" if village else ""
    page.goto(server.url("voila/render/circle.ipynb", query), wait_until="commit")
    page.wait_for_selector(".okd", timeout=PAGE_MS)
    if village:
        page.wait_for_selector(f'.okd-village[data-village="{village}"]', timeout=PAGE_MS)


def show_panel(page, label: str) -> None:
    page.locator(".okd-nav button", has_text=label).first.click()


def fill_form(page, *, round_: str, facilitator: str, grades: dict[str, str], reasons: bool):
    show_panel(page, "ให้ระดับ")
    page.wait_for_selector(".okd-round input", timeout=PAGE_MS)
    page.locator(".okd-round input").fill(round_)
    page.locator(".okd-facilitator input").fill(facilitator)
    for c in COMPONENT_CODES:
        page.locator(f".okd-agreed-{c} button", has_text=grades[c]).click()
        if reasons:
            page.locator(f".okd-reason-{c} textarea").fill(f"วงตกลง {grades[c]} หลังอภิปราย")
    page.locator(".okd-agreed-overall button", has_text=grades["overall"]).click()
    for column, n in (("cores", "8"), ("villagers", "15"), ("female", "12")):
        field = page.locator(f".okd-count-{column} input")
        field.fill(n)
        field.press("Tab")


def saved_sessions(store: Path, village: str) -> list[tuple]:
    if not store.exists():
        return []
    with contextlib.closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as con:
        return con.execute(
            "SELECT id, round, facilitator, overall FROM sessions WHERE unit_code = ? ORDER BY id",
            (village,),
        ).fetchall()


# --- the tests ----------------------------------------------------------------------------------
def test_page_loads_in_thai_for_a_projector_without_errors(page, server):
    open_circle(page, server)
    page.wait_for_selector(".okd-pick-district select", timeout=PAGE_MS)
    text = page.locator(".okd").inner_text()
    assert "เลือกอำเภอ" in text and "ชุมชนอินทรีย์อยู่ดีมีสุข" in text
    body = page.locator("body").inner_text()
    for word in ("Traceback", "There was an error", "Error"):
        assert word not in body
    assert page.errors == []
    size = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.okd .widget-label')).fontSize)"
    )
    assert size >= 24


def test_picking_a_village_shows_its_opportunities(page, server, dataset):
    from okanalysis import potential

    village = villages_with_figures(dataset)[0]
    row = dataset.villages.set_index("village_code").loc[village]
    open_circle(page, server)
    page.locator(".okd-pick-district select").select_option(label=_amphoe_name(row))
    page.wait_for_selector(".okd-pick-tambon option", state="attached", timeout=PAGE_MS)
    page.locator(".okd-pick-tambon select").select_option(label=_tambon_name(row))
    label = f"{row['name_th']} (หมู่ที่ {int(row['village_no'])})"
    page.wait_for_selector(
        f".okd-pick-village option:has-text('{row['name_th']}')",
        state="attached",
        timeout=PAGE_MS,
    )
    page.locator(".okd-pick-village select").select_option(label=label)
    page.wait_for_selector(f'.okd-village[data-village="{village}"]', timeout=PAGE_MS)
    show_panel(page, "เงินไหลออก")
    page.wait_for_selector(".okd-opportunities tr[data-category]", timeout=PAGE_MS)
    shown = {}
    for tr in page.locator(".okd-opportunities tr[data-category]").all():
        cells = [c.strip() for c in tr.locator("td").all_inner_texts()]
        shown[(tr.get_attribute("data-kind"), tr.get_attribute("data-category"))] = cells
    expected = potential.opportunities(dataset, village, shareable=True)
    checked = 0
    for kind in ("substitutable", "avoidable"):
        top = expected.loc[expected["kind"] == kind].sort_values("rank").head(8)
        for _, o in top.iterrows():
            cells = shown[(kind, o["category"])]
            assert cells[:2] == [str(o["rank"]), o["name_th"]]
            if o[privacy.SUPPRESSED]:
                continue
            assert cells == opportunity_cells(o)
            checked += 1
    assert checked >= 3
    assert page.errors == []


def _amphoe_name(row) -> str:
    from okanalysis.contract import hierarchy

    d = hierarchy.districts().set_index("amphoe_code")
    return str(d.at[row["amphoe_code"], "amphoe_th"])


def _tambon_name(row) -> str:
    from okanalysis.contract import hierarchy

    t = hierarchy.tambons().set_index("tambon_code")
    return str(t.at[row["tambon_code"], "tambon_th"])


def test_a_link_opens_that_village(page, server, dataset):
    village = villages_with_figures(dataset)[-1]
    open_circle(page, server, village)
    name = dataset.villages.set_index("village_code").at[village, "name_th"]
    assert name in page.locator(".okd-village-name").inner_text()
    assert page.locator(".okd-pick-village select").input_value() != ""


def test_closing_the_page_stops_its_kernel(page, server, dataset):
    open_circle(page, server, villages_with_figures(dataset)[0])
    before = server.log().count("Kernel shutdown")
    page.close(run_before_unload=True)
    for _ in range(100):
        if server.log().count("Kernel shutdown") > before:
            break
        time.sleep(0.1)
    assert server.log().count("Kernel shutdown") == before + 1


def test_a_grade_with_reasons_is_saved_survives_a_reload_and_is_in_sqlite(page, server, dataset):
    village = villages_with_figures(dataset)[1]
    open_circle(page, server, village)
    grades = {c: "B" for c in COMPONENT_CODES} | {"overall": "B"}
    fill_form(page, round_="start-2551", facilitator="คุณอำนวย ทดสอบ", grades=grades, reasons=True)
    page.locator("button.okd-save").click()
    page.wait_for_selector(".okd-message .okd-note-ok", timeout=PAGE_MS)
    assert "บันทึกแล้ว" in page.locator(".okd-message").inner_text()
    rows = saved_sessions(server.settings.store, village)
    assert [(r[1], r[2], r[3]) for r in rows] == [("start-2551", "คุณอำนวย ทดสอบ", "B")]
    page.reload(wait_until="commit")
    page.wait_for_selector(f'.okd-village[data-village="{village}"]', timeout=PAGE_MS)
    show_panel(page, "ให้ระดับ")
    page.wait_for_selector(".okd-history-box table", timeout=PAGE_MS)
    assert "คุณอำนวย ทดสอบ" in page.locator(".okd-history-box").inner_text()


def test_a_differing_grade_without_a_reason_is_refused(page, server, dataset):
    village = villages_with_figures(dataset)[2]
    open_circle(page, server, village)
    show_panel(page, "ให้ระดับ")
    page.wait_for_selector(".okd-computed-leadership .okd-grade", timeout=PAGE_MS)
    computed = page.locator(".okd-computed-leadership .okd-grade").inner_text().strip()
    other = next(g for g in "ABC" if g != computed)
    grades = {c: other for c in COMPONENT_CODES} | {"overall": other}
    fill_form(page, round_="start-2551", facilitator="คุณอำนวย", grades=grades, reasons=False)
    page.locator("button.okd-save").click()
    page.wait_for_selector(".okd-message .okd-note-error", timeout=PAGE_MS)
    message = page.locator(".okd-message").inner_text()
    assert "ยังไม่ได้บันทึก" in message and "เหตุผล" in message
    assert saved_sessions(server.settings.store, village) == []


def test_two_pages_saving_at_once_both_land(browser, server, dataset):
    villages = villages_with_figures(dataset)[3:5]
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in villages]
    try:
        pages = [c.new_page() for c in contexts]
        for p, village in zip(pages, villages, strict=True):
            open_circle(p, server, village)
            grades = {c: "A" for c in COMPONENT_CODES} | {"overall": "A"}
            fill_form(p, round_="end-2551", facilitator=f"คุณอำนวย {village}", grades=grades,
                      reasons=True)  # fmt: skip
        for p in pages:  # both clicks sent before either answer is awaited
            p.locator("button.okd-save").dispatch_event("click")
        for p in pages:
            p.wait_for_selector(".okd-message .okd-note-ok", timeout=PAGE_MS)
    finally:
        for c in contexts:
            c.close()
    for village in villages:
        assert [r[1:] for r in saved_sessions(server.settings.store, village)] == [
            ("end-2551", f"คุณอำนวย {village}", "A")
        ]


def test_the_server_refuses_template_switching_and_files_outside_the_dashboards(server):
    def status(path: str) -> int:
        try:
            with urllib.request.urlopen(f"{server.base}/{path}", timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    assert status("voila/render/circle.ipynb?template=classic") == 400
    assert status("voila/render/circle.ipynb?theme=dark") == 400
    assert status("voila/render/../../README.md") in (403, 404)
    assert status("voila/files/circle.ipynb") in (403, 404)
    assert status("okanalysis/static/widgetbundle.js?v=1") == 200


def test_on_the_lan_nothing_is_reachable_without_the_token(browser, demo_dir, tmp_path):
    token = "t0ken-for-the-district-network"
    lan = start(tmp_path, demo_dir, lan=True, token=token)
    try:
        lan.wait_ready("circle", 1, timeout=FIRST_KERNEL_S)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)

        def get(path: str) -> tuple[int, str]:
            try:
                with opener.open(f"{lan.base}/{path}", timeout=30) as r:
                    return r.status, r.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as e:
                return e.code, ""

        for path in ("", "voila/render/circle.ipynb", "voila/render/district.ipynb",
                     "voila/api/contents", "okanalysis/static/widgetbundle.js?v=1"):  # fmt: skip
            code, body = get(path)
            assert code in (302, 401, 403), (path, code)
            assert "okd" not in body
        code, body = get(f"voila/render/circle.ipynb?token=wrong-{token}")
        assert code in (302, 401, 403)
        code, _ = get(f"?token={token}")
        assert code == 200
    finally:
        lan.stop()


def test_over_https_with_the_token_the_dashboard_renders(browser, demo_dir, tmp_path):
    token = "t0ken-for-the-district-network"
    dashboard.self_signed(tmp_path / "tls")
    lan = start(tmp_path / "server", demo_dir, lan=True, token=token, tls=tmp_path / "tls")
    try:
        lan.wait_ready("circle", 1, timeout=FIRST_KERNEL_S)
        assert lan.base.startswith("https://127.0.0.1:")
        context = browser.new_context(viewport=VIEWPORT, ignore_https_errors=True)  # self-signed
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(lan.url("voila/render/circle.ipynb"), wait_until="commit")
        page.wait_for_selector(".okd-pick-district select", timeout=PAGE_MS)  # widgets over wss
        assert page.url.startswith("https://")
        assert "เลือกอำเภอ" in page.locator(".okd").inner_text()
        assert errors == []
        page.close(run_before_unload=True)
        context.close()
        with pytest.raises((OSError, http.client.HTTPException)):  # no page over plain HTTP
            urllib.request.urlopen(
                f"http://127.0.0.1:{lan.settings.port}/?token={token}", timeout=30
            ).close()
    finally:
        lan.stop()

"""Page-ready time after `python app.py` and time to the first streamed layer snapshot after Run (fast preset).

    python bench/bench_app.py

Measured twice: in a real browser (Playwright driving Debian's chromium: the page's tabs rendered; the first layer
image shown after clicking Run on each tab's first bundled example), and through the HTTP API with gradio_client
(what the page's Run sends). Run it on an otherwise idle machine.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from gradio_client import Client, handle_file
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
TASK_TABS = ["Segmentation", "Dehazing", "Transparency separation", "Watermark removal"]


def _until(cond, timeout: float) -> float:
    t0 = time.perf_counter()
    while not cond():
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("the page did not get there in time")
        time.sleep(0.05)
    return time.perf_counter() - t0


def _run_tab(panel) -> tuple[float, float]:
    """Click Run; seconds until the first layer image shows, and until the page says done."""
    progress = panel.locator("[data-testid=markdown].dd-progress")
    layers = panel.locator(".dd-layers img")
    t1 = time.perf_counter()
    panel.get_by_role("button", name="Run", exact=True).click()
    first = _until(lambda: layers.count() > 0, 60)
    _until(lambda: "done" in progress.inner_text(), 300)
    return first, time.perf_counter() - t1


def in_browser(url: str, t_spawn: float, browser) -> tuple[float, list[tuple[str, float, float]]]:
    """Page ready (tabs rendered) since the spawn, then per tab: first layer image and done, since Run."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    while True:
        try:
            page.goto(url, timeout=2000)
            break
        except Exception:  # noqa: BLE001  (server not up yet)
            time.sleep(0.1)
    page.wait_for_selector("button[role=tab]")
    ready = time.perf_counter() - t_spawn
    rows = []
    for tab in TASK_TABS:
        page.get_by_role("tab", name=tab).click()
        panel = page.locator("[role=tabpanel]:visible").first
        panel.locator("button.gallery-item, tbody tr").first.click()  # its first bundled example (with hints)
        page.wait_for_timeout(1500)
        rows.append((tab, *_run_tab(panel)))
    page.close()
    return ready, rows


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "GRADIO_SERVER_PORT": str(port)})
    try:
        page_ready, tabs = in_browser(url, t0, browser)
        client = Client(url, verbose=False)
        firsts, totals = [], []
        for case in ("seg_cat_on_coffee.png", "seg_horse_on_rocket.png", "seg_astronaut_on_grass.png"):
            editor = {"background": handle_file(str(ROOT / "examples" / case)), "layers": [], "composite": None}
            t1 = time.perf_counter()
            job = client.submit(editor, "fast", None, None, 0, api_name="/segment")
            first = None
            for _ in job:
                if first is None:
                    first = time.perf_counter() - t1
            firsts.append(first)
            totals.append(time.perf_counter() - t1)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        browser.close()
        pw.stop()
    print("| figure | seconds |\n|---|---|")
    print(f"| page ready in chromium after `python app.py` (tabs rendered) | {page_ready:.1f} |")
    for tab, first, total in tabs:
        print(f"| {tab}, first bundled example, fast: first layer image in the page after Run | {first:.2f} |")
        print(f"| {tab}, first bundled example, fast: result in the page after Run | {total:.1f} |")
    print(f"| API: first layer snapshot after Run, /segment fast (median of 3 examples) "
          f"| {statistics.median(firsts):.2f} |")
    print(f"| API: whole run, /segment fast (median of 3) | {statistics.median(totals):.1f} |")


if __name__ == "__main__":
    main()

"""Where the page's extra seconds go: CPU seconds used by the server and by the browser during one run per tab.

    python bench/probe_page_cpu.py                    # Segmentation and Dehazing tabs
    python bench/probe_page_cpu.py --tabs Dehazing

bench_app.py runs the page in chromium on the same 2 cores as the server, so the browser's own work (decoding the
streamed images, redrawing the loss plot) takes CPU from the optimiser; on a hosted Space the browser runs on the
visitor's machine. This probe measures that share: for each tab's first bundled example it clicks Run and reads
the CPU seconds (utime + stime from /proc) of the server process and of every chromium process over the run,
with the wall time. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench_app import CHROMIUM_ARGS, _run_tab  # noqa: E402  (bench/bench_app.py)
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(match) -> float:
    """utime + stime of every live process whose /proc entry satisfies ``match(pid, comm)``."""
    total = 0.0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1: stat.rindex(")")]
        if match(int(d.name), comm):
            fields = stat[stat.rindex(")") + 2:].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tabs", nargs="+", default=["Segmentation", "Dehazing"])
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "GRADIO_SERVER_PORT": str(port)})

    def server(pid: int, comm: str) -> bool:
        return pid == proc.pid

    def browser_procs(pid: int, comm: str) -> bool:
        return comm.startswith("chrom")

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    rows = []
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        while True:
            try:
                page.goto(f"http://127.0.0.1:{port}/", timeout=2000)
                break
            except Exception:  # noqa: BLE001  (server not up yet)
                time.sleep(0.1)
        page.wait_for_selector("button[role=tab]")
        for tab in args.tabs:
            page.get_by_role("tab", name=tab).click()
            panel = page.locator("[role=tabpanel]:visible").first
            panel.locator("button.gallery-item, tbody tr").first.click()
            page.wait_for_timeout(1500)
            s0, b0 = cpu_seconds(server), cpu_seconds(browser_procs)
            _, wall = _run_tab(panel)
            s1, b1 = cpu_seconds(server), cpu_seconds(browser_procs)
            rows.append((tab, wall, s1 - s0, b1 - b0))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        browser.close()
        pw.stop()
    print("| tab | wall s | server CPU s | browser CPU s | browser share of the CPU used |\n|---|---|---|---|---|")
    for tab, wall, srv, brw in rows:
        print(f"| {tab} | {wall:.1f} | {srv:.1f} | {brw:.1f} | {brw / max(1e-9, srv + brw):.0%} |")


if __name__ == "__main__":
    main()

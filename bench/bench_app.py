"""Page-ready time after `python app.py` and time to the first streamed layer snapshot after Run (fast preset).

    python bench/bench_app.py

Measured through the HTTP API with gradio_client (what the page's Run does); a browser adds its own rendering.
Run it on an otherwise idle machine.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from gradio_client import Client, handle_file

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "GRADIO_SERVER_PORT": str(port)})
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        ready = time.perf_counter() - t0
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
    print("| figure | seconds |\n|---|---|")
    print(f"| page ready after `python app.py` | {ready:.1f} |")
    print(f"| first layer snapshot after Run, /segment fast (median of 3 examples) | {statistics.median(firsts):.2f} |")
    print(f"| whole run, /segment fast (median of 3) | {statistics.median(totals):.1f} |")


if __name__ == "__main__":
    main()

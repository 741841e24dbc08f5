"""Probe: does cancelling one visitor's run hold up the server for everyone else?

Starts ``python app.py`` on a free port, then visitor A starts a several-photo watermark removal (the bundled
``wm_multi_*`` photos: a set-up step of ~12 s on 2 cores with no update in between) and cancels it after 3 s, and
visitor B starts the same at once. Meanwhile a plain HTTP GET of the page every 0.2 s measures how long the server
takes to answer anyone. Prints the slowest answer (s) and whether B finished. Run:
``python bench/probe_cancel_freeze.py [--tries 3]``. On 2 cores, the library's default threads: before the torch
thread closed a cancelled run without waiting (doubledip/threads.py), the slowest answers of three tries were 7.36,
6.91 and 0.40 s (B waited on the cancelled step); after, 0.39, 0.44 and 0.43 s.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import serve_app  # noqa: E402  (python app.py on a free port, stopped afterwards)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tries", type=int, default=3)
    args = ap.parse_args()
    from gradio_client import Client, handle_file

    with serve_app() as (url, _):
        photos = [handle_file(str(ROOT / "examples" / f"wm_multi_{k}.png")) for k in range(3)]
        for k in range(args.tries):
            slowest, stop = [0.0], threading.Event()

            def ping(slowest=slowest, stop=stop) -> None:
                while not stop.is_set():
                    t = time.perf_counter()
                    urllib.request.urlopen(url, timeout=300).read()
                    slowest[0] = max(slowest[0], time.perf_counter() - t)
                    time.sleep(0.2)

            pinger = threading.Thread(target=ping, daemon=True)
            pinger.start()
            a, b = Client(url, verbose=False), Client(url, verbose=False)
            job = a.submit(photos=photos, api_name="/watermark")
            time.sleep(3)
            try:
                job.cancel()
            except Exception as e:  # gradio_client's 5 s read time-out while the step under way ends (README)
                print(f"  cancel: {type(e).__name__}")
            out = b.submit(photos=photos, api_name="/watermark").result(timeout=300)
            stop.set()
            pinger.join(5)
            print(f"try {k + 1}: slowest answer to a page request {slowest[0]:.2f} s; "
                  f"B: {str(out[1]).splitlines()[0][:60]}", flush=True)


if __name__ == "__main__":
    main()

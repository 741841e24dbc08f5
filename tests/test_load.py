"""Bounded load: 8 visitors at once on a server whose queue holds 2: the running job and the queued ones are served,
the others are told the queue is full (so the test fails if the limit is ignored), and the server's memory stays
bounded."""

from __future__ import annotations

import threading
import time

import numpy as np
from conftest import require, serve_app
from PIL import Image

gradio_client = require("gradio_client")
psutil = require("psutil")

CLIENTS = 8
QUEUE = 2
STEPS = 150  # long enough (several seconds) that every visitor arrives while the first job still runs


def _rss(proc: psutil.Process) -> int:
    """Resident memory of the server and anything it spawned."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def test_eight_clients_at_once_are_served_or_told_the_queue_is_full(tmp_path, record_property):
    rng = np.random.default_rng(0)
    photo = tmp_path / "hazy.png"
    Image.fromarray((rng.random((48, 64, 3)) * 160 + 60).astype(np.uint8)).save(photo)
    with serve_app(DOUBLEDIP_QUEUE_SIZE=str(QUEUE)) as (url, proc):
        server = psutil.Process(proc.pid)
        peak = [_rss(server)]
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], _rss(server))
                time.sleep(0.1)

        outcomes: list[str] = []
        lock = threading.Lock()
        # Every visitor connects first, then all ask at the same moment.
        clients = [gradio_client.Client(url, verbose=False) for _ in range(CLIENTS)]
        together = threading.Barrier(CLIENTS)

        def visitor(client) -> None:
            together.wait()
            try:
                result = client.predict(gradio_client.handle_file(str(photo)), steps=STEPS, size=32, seed=0,
                                        api_name="/dehaze")
                outcome = "done" if result[1].startswith("**done**") else f"odd result: {result[1][:80]}"
            except Exception as e:  # noqa: BLE001  (sorted below: only "queue full" is an acceptable failure)
                outcome = "full" if "queue is full" in str(e).lower() else f"error: {e!r}"
            with lock:
                outcomes.append(outcome)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        threads = [threading.Thread(target=visitor, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        stop.set()
        watcher.join()
        assert proc.poll() is None, "the server died under load"
    gb = peak[0] / 2**30
    record_property("server_peak_rss_gb", round(gb, 3))
    print(f"\n8 clients: {outcomes.count('done')} done, {outcomes.count('full')} told full; "
          f"server peak RSS {gb:.2f} GB")
    assert len(outcomes) == CLIENTS
    assert all(o in ("done", "full") for o in outcomes), outcomes
    # The running job and the QUEUE waiting ones are served; everyone else is told the queue is full.
    assert outcomes.count("done") >= 1 + QUEUE - 1
    assert outcomes.count("full") >= 1, f"nobody was told the queue is full: {outcomes}"
    assert outcomes.count("done") <= 1 + QUEUE + 1, outcomes  # one more if the first job ended as the last arrived
    assert gb < 4.0

"""Bounded load: 8 visitors at once on a server with a small queue; each is served or told the queue is full."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from conftest import serve_app
from PIL import Image

gradio_client = pytest.importorskip("gradio_client")
psutil = pytest.importorskip("psutil")

CLIENTS = 8
QUEUE = 4


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

        def visitor() -> None:
            client = gradio_client.Client(url, verbose=False)
            try:
                result = client.predict(gradio_client.handle_file(str(photo)), "", "fast", 15, 32, 0,
                                        api_name="/dehaze")
                outcome = "done" if result[1].startswith("**done**") else f"odd result: {result[1][:80]}"
            except Exception as e:  # noqa: BLE001  (sorted below: only "queue full" is an acceptable failure)
                outcome = "full" if "queue is full" in str(e).lower() else f"error: {e!r}"
            with lock:
                outcomes.append(outcome)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        threads = [threading.Thread(target=visitor) for _ in range(CLIENTS)]
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
    assert outcomes.count("done") >= 1 + QUEUE - 1  # the running job and the queued ones are all served
    assert gb < 4.0

"""One thread for all of a process's torch work, whichever threads ask for it.

Why: a server (Gradio) steps each generator handler from whichever worker thread is free. With torch's OpenMP
backend every thread that runs parallel work keeps its own team of OpenMP threads, and (the explanation that fits
the figures below) once a process holds more of them than there are cores, GNU OpenMP stops spinning between
parallel regions and sleeps: each of the thousands of small regions of a step then pays a wake-up. Measured on 2 cores
(``python bench/probe_threads.py``): the same 150 segmentation steps took 14.5–15.8 s from the main thread, 17.7–
22.3 s from a worker thread once the main thread had also run torch, and 14.0–15.4 s when every call went through
one persistent thread. The CLI runs on its main thread and does not need this.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_TORCH_IDENT: list[int] = []  # the torch thread's identity, once it has started
_TORCH_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="doubledip-torch",
                                   initializer=lambda: _TORCH_IDENT.append(threading.get_ident()))
_END = object()
_asked_to_stop: threading.Event | None = None  # the stop flag of the run whose step the torch thread is running
_working = 0  # calls running or waiting on the torch thread
_COUNTING = threading.Lock()


def busy() -> bool:
    """Whether the torch thread has work running or waiting: a stopped run's step under way (a large photo's
    full-size set-up or result can take minutes) runs to its end, and the next run waits for it."""
    return _working > 0


def _count(change: int) -> None:
    global _working
    with _COUNTING:
        _working += change


def stop_requested() -> bool:
    """Whether the run whose step the torch thread is running now was asked to stop (the ``stop`` event given to
    :func:`pinned`). :func:`doubledip.engine.iterate` reads it after every optimisation step and then yields at
    once, so that a page's Stop ends the run after the step under way rather than at the next snapshot, up to
    ``every`` steps later. False off the torch thread and for a run given no event."""
    flag = _asked_to_stop
    return flag is not None and flag.is_set() and threading.get_ident() in _TORCH_IDENT


def _call(fn: Callable, *args, wait: bool = True, stop: threading.Event | None = None):
    """``fn(*args)`` on the torch thread, counted by :func:`busy` until it returns; its result (or exception) here,
    or with ``wait=False`` nothing, at once (an exception is then logged on the ``doubledip`` logger). Asked from
    the torch thread itself it runs at once: waiting there for the one thread that would run it never ends. That
    happens when the garbage collector, running on the torch thread, finalises an abandoned pinned iterator, whose
    clean-up asks for the inner iterator's ``close()``; before, it hung the process's every later run."""
    _count(1)

    def call():
        global _asked_to_stop
        # Calls on the torch thread run one at a time: this is the run now stepped. One asked from the torch thread
        # itself (a clean-up the garbage collector runs there) runs inside another's: that one's flag comes back.
        outer, _asked_to_stop = _asked_to_stop, stop
        try:
            return fn(*args)
        finally:
            _asked_to_stop = outer
            _count(-1)

    if threading.get_ident() in _TORCH_IDENT:
        return call()
    done = _TORCH_THREAD.submit(call)
    if wait:
        return done.result()
    done.add_done_callback(_log_failure)
    return None


def _log_failure(done) -> None:
    if done.exception() is not None:
        logging.getLogger("doubledip").error("a stopped run's clean-up failed", exc_info=done.exception())


def pinned(make: Callable[[], Iterator[T]], stop: threading.Event | None = None) -> Iterator[T]:
    """``make()`` and every step of the iterator it returns run on the process's one torch thread; items (and
    exceptions) come back to the caller's thread. Closing the returned generator closes the inner one there, after
    the step under way, without waiting for it: Gradio closes a cancelled handler on the thread that serves every
    request, and waiting there for another visitor's long step (a large photo's set-up: minutes) froze the whole
    server. Several pinned iterators may be stepped at once: their steps take turns. Raises TypeError unless ``make``
    is a callable that returns an iterator (a generator function qualifies; a generator itself does not).

    ``stop``: an event that another thread sets to have the run end soon (a page's Stop): once it is set, the
    engine yields after the optimisation step under way (:func:`stop_requested`) and the caller then closes the
    iterator. Without it a close waits for the next snapshot (every 10 steps by default)."""
    if not callable(make):
        raise TypeError(f"pinned() takes a function that makes the iterator (e.g. lambda: dd.iterate_dehaze(image)), "
                        f"not {type(make).__name__}")
    inner = _call(make, stop=stop)  # errors in set-up raise here, in the caller, at once
    if not isinstance(inner, Iterator):
        raise TypeError(f"pinned()'s function must return an iterator; it returned {type(inner).__name__}")
    return _forward(inner, stop)


def _forward(inner: Iterator[T], stop: threading.Event | None) -> Iterator[T]:
    ended = False  # the inner iterator ran out or raised: nothing is left to close, and nothing is queued after
    try:
        while True:
            try:
                item = _call(next, inner, _END, stop=stop)
            except Exception:
                ended = True
                raise
            if item is _END:
                ended = True
                return
            yield item
    finally:
        close = getattr(inner, "close", None)
        if close is not None and not ended:
            _call(close, wait=False)

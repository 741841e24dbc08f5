import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from doubledip import InputError, pinned


def _counting(log: list, n: int = 5):
    try:
        for i in range(n):
            log.append(threading.get_ident())
            yield i
    finally:
        log.append("closed")


def test_every_step_runs_on_one_thread_whichever_thread_asks():
    log: list = []
    gen = pinned(lambda: _counting(log))
    with ThreadPoolExecutor(4) as askers:  # as a server steps a handler from whichever worker is free
        items = [askers.submit(next, gen).result() for _ in range(5)]
    assert items == [0, 1, 2, 3, 4]
    threads = {t for t in log if t != "closed"}
    assert len(threads) == 1 and threading.get_ident() not in threads


def test_errors_reach_the_caller_and_closing_closes_the_inner_generator():
    def bad_setup():
        raise InputError("unreadable")

    with pytest.raises(InputError, match="unreadable"):
        pinned(bad_setup)  # at once, not at the first step

    def fails_later():
        yield 1
        raise ValueError("step 2 broke")

    gen = pinned(fails_later)
    assert next(gen) == 1
    with pytest.raises(ValueError, match="step 2 broke"):
        next(gen)

    log: list = []
    gen = pinned(lambda: _counting(log, 100))
    assert next(gen) == 0
    gen.close()
    list(pinned(lambda: iter(())))  # the close is queued on the torch thread: this runs after it
    assert log[-1] == "closed" and len(log) == 2


def test_closing_does_not_wait_for_another_runs_step_under_way():
    """Gradio closes a cancelled handler on the event-loop thread that serves every request. The close waited for
    the torch thread, busy with another visitor's long set-up, and no page, progress or Stop was served meanwhile."""
    import time

    from doubledip import threads

    log: list = []
    first = pinned(lambda: _counting(log, 100))
    assert next(first) == 0
    release = threading.Event()

    def long_setup():
        release.wait(10)
        return iter([1])

    other = threading.Thread(target=lambda: list(pinned(long_setup)), daemon=True)
    other.start()
    while not threads.busy():
        time.sleep(0.01)
    started = time.monotonic()
    first.close()
    took = time.monotonic() - started
    release.set()
    other.join(10)
    list(pinned(lambda: iter(())))
    assert took < 1.0, took
    assert log[-1] == "closed"


def test_an_abandoned_iterator_finalised_on_the_torch_thread_closes_without_hanging_it():
    """The garbage collector runs wherever memory is allocated, the torch thread included. An abandoned pinned
    iterator finalised there asked the torch thread for its inner iterator's close() and waited for it: a thread
    waiting on itself, and every later run of the process (a server's every visitor) waited behind it."""
    from doubledip import threads

    log: list = []
    holder = [pinned(lambda: _counting(log, 100))]
    assert next(holder[0]) == 0
    threads._TORCH_THREAD.submit(holder.clear).result(timeout=10)  # the last reference dropped on the torch thread
    assert log[-1] == "closed"
    assert list(pinned(lambda: iter(range(3)))) == [0, 1, 2]  # the torch thread still serves
    assert not threads.busy()


def test_a_clean_up_that_fails_after_its_caller_has_gone_is_logged(caplog):
    """The caller does not wait for a closed run's clean-up (above), so its error would be seen by no one."""
    from doubledip import threads

    def breaks_on_close():
        try:
            yield 1
            yield 2
        finally:
            raise OSError("could not remove the scratch folder")

    gen = pinned(breaks_on_close)
    assert next(gen) == 1
    with caplog.at_level("ERROR", logger="doubledip"):
        gen.close()
        list(pinned(lambda: iter(())))  # runs after the queued close
        assert not threads.busy()
    assert any("clean-up failed" in r.getMessage() and "scratch folder" in str(r.exc_info[1])
               for r in caplog.records), caplog.records


def test_a_run_that_ran_out_or_failed_queues_no_clean_up_and_one_closed_early_does():
    """Every ended run queued a close() for after its end, so the torch thread stayed busy a moment after the run's
    last item: Stop's "stopped" line could read "stopping"."""

    class Recorder:
        def __init__(self, fail: bool = False):
            self.n, self.closed, self.fail = 0, 0, fail

        def __iter__(self):
            return self

        def __next__(self):
            if self.n == 2:
                if self.fail:
                    raise ValueError("step 3 broke")
                raise StopIteration
            self.n += 1
            return self.n

        def close(self):
            self.closed += 1

    ran_out, failed, early = Recorder(), Recorder(fail=True), Recorder()
    assert list(pinned(lambda: ran_out)) == [1, 2]
    with pytest.raises(ValueError, match="step 3"):
        list(pinned(lambda: failed))
    gen = pinned(lambda: early)
    assert next(gen) == 1
    gen.close()
    list(pinned(lambda: iter(())))  # after anything queued
    assert (ran_out.closed, failed.closed, early.closed) == (0, 0, 1)


def test_a_wrong_argument_is_named_at_once_not_at_the_first_step():
    with pytest.raises(TypeError, match="takes a function that makes the iterator"):
        pinned(5)
    with pytest.raises(TypeError, match="must return an iterator; it returned int"):
        pinned(lambda: 5)  # was accepted, and failed at the first step on the torch thread


def test_a_call_run_inside_a_stopped_runs_step_leaves_its_stop_flag_set():
    """A clean-up the garbage collector runs on the torch thread (another iterator's close) runs inside the step
    under way; ending, it cleared that run's stop flag, and a Stop pressed before it went unseen until the next
    snapshot."""
    from doubledip import threads

    stop = threading.Event()
    seen: list = []

    def stepping():
        while True:
            before = threads.stop_requested()
            threads._call(lambda: None)  # from the torch thread: runs at once, inside this step
            seen.append((before, threads.stop_requested()))
            yield len(seen)

    gen = pinned(stepping, stop=stop)
    next(gen)
    stop.set()
    next(gen)
    gen.close()
    assert seen == [(False, False), (True, True)]

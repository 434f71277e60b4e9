"""helpers.seconds_per_call: one untimed warm-up call, then the mean of the timed ones."""
import time

from helpers import seconds_per_call


def test_seconds_per_call_warms_up_once_then_averages_the_timed_calls():
    calls = []

    def work():
        calls.append(None)
        time.sleep(0.5 if len(calls) == 1 else 0.01)  # the warm-up call is the slow one

    seconds = seconds_per_call(work, repeats=3, device="cpu")
    assert len(calls) == 4
    assert 0.01 <= seconds < 0.1  # counting the warm-up would give at least 0.13

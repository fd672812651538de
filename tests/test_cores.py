"""A lone invocation's caller and handler each keep their own CPU affinity, though the hand-off narrows it briefly."""

from __future__ import annotations

import os
from typing import Any

import pytest

from lambdamock.runtime import cores
from tests.helpers import call, deploy

# Only where a thread can be held on one core, and where being held would show (more than one core allowed).
narrowable = pytest.mark.skipif(
    cores._current_cpu is None or len(os.sched_getaffinity(0)) < 2,
    reason="no core to hold a thread on here, or a single one",
)

REPORTS_ITS_CORES = "import os\ndef handler(event, context):\n    return sorted(os.sched_getaffinity(0))\n"


@narrowable
def test_the_caller_and_the_handler_each_keep_the_cores_they_had(lambda_mock: Any) -> None:
    mine = os.sched_getaffinity(0)
    client = deploy(REPORTS_ITS_CORES)
    for _ in range(3):  # cold, then warm: a warm one is handed to a worker held on the caller's core
        assert call(client) == (None, sorted(mine))
        assert os.sched_getaffinity(0) == mine


@narrowable
def test_a_test_thread_narrowed_to_one_core_stays_narrowed(lambda_mock: Any) -> None:
    mine = os.sched_getaffinity(0)
    last = max(mine)
    os.sched_setaffinity(0, {last})
    try:
        client = deploy(REPORTS_ITS_CORES)
        for _ in range(3):  # its environment's thread started from it, so has its one core too
            assert call(client) == (None, [last])
            assert os.sched_getaffinity(0) == {last}
    finally:
        os.sched_setaffinity(0, mine)


@narrowable
def test_what_a_handler_sets_of_its_own_thread_s_cores_stays_set_for_its_next_invocation(lambda_mock: Any) -> None:
    # Its thread is the runtime's, which keeps what the function's code set from one invocation to the next.
    first = min(os.sched_getaffinity(0))
    client = deploy("import os\ndef handler(event, context):\n    seen = sorted(os.sched_getaffinity(0))\n"
                    f"    os.sched_setaffinity(0, {{{first}}})\n    return seen\n")
    call(client)
    assert call(client) == (None, [first])
    assert call(client) == (None, [first])

"""A lone invocation's caller and handler each keep their own CPU affinity, though each hand-off narrows it briefly."""

from __future__ import annotations

import json
import os
import threading
from typing import Any

import pytest

from tests.helpers import call, deploy, ended_by_itself, narrowable

# The cores of a thread named by its native id, as a handler sees them while its caller waits.
REPORTS_CORES = ("import os\ndef handler(event, context):\n"
                 "    return [sorted(os.sched_getaffinity(0)), sorted(os.sched_getaffinity(event['caller']))]\n")


@narrowable
def test_the_caller_and_the_handler_keep_their_cores_before_during_and_after(lambda_mock: Any) -> None:
    mine = sorted(os.sched_getaffinity(0))
    client = deploy(REPORTS_CORES)
    for _ in range(3):  # cold, then warm: a warm one's worker is narrowed to the caller's core as it is handed the call
        # The caller too has its cores while it waits: what a pid's query shows (psutil's cpu_affinity, /proc's
        # Cpus_allowed_list) when the caller is the main thread.
        assert call(client, caller=threading.get_native_id()) == (None, [mine, mine])
        assert sorted(os.sched_getaffinity(0)) == mine


@narrowable
def test_what_a_handler_sets_of_its_own_thread_s_cores_stays_set_for_its_next_invocation(lambda_mock: Any) -> None:
    # Its thread is the runtime's, which keeps what the function's code set from one invocation to the next.
    mine = os.sched_getaffinity(0)
    first = min(mine)
    client = deploy("import os\ndef handler(event, context):\n    seen = sorted(os.sched_getaffinity(0))\n"
                    f"    os.sched_setaffinity(0, {{{first}}})\n    return seen\n")
    call(client)
    for _ in range(2):
        assert call(client) == (None, [first])
        assert os.sched_getaffinity(0) == mine  # the caller's, not the worker's, is what it gets back


@narrowable
def test_cores_another_thread_gives_the_waiting_caller_stay_given(lambda_mock: Any) -> None:
    # As `taskset -p` would, from outside, while the test waits for its invocation.
    mine = os.sched_getaffinity(0)
    last = max(mine)
    client = deploy(f"import os\ndef handler(event, context):\n    os.sched_setaffinity(event['caller'], {{{last}}})\n")
    try:
        for _ in range(3):
            os.sched_setaffinity(0, mine)
            call(client, caller=threading.get_native_id())
            assert os.sched_getaffinity(0) == {last}
    finally:
        os.sched_setaffinity(0, mine)


@narrowable
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_process_the_handler_forks_leaves_the_test_thread_s_cores_alone(lambda_mock: Any) -> None:
    # The child returns from the handler as the parent does, and answers too (see runtime.environment): thread ids
    # are the system's, so it must not narrow the caller it was forked away from.
    mine = os.sched_getaffinity(0)
    client = deploy("import os\ndef handler(event, context):\n    return os.fork()\n")
    for _ in range(3):
        assert ended_by_itself(json.loads(client.invoke(FunctionName="f")["Payload"].read()))
        assert os.sched_getaffinity(0) == mine


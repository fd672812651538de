"""Overhead budgets: warm invoke, cold start and concurrency without hidden serialisation."""

from __future__ import annotations

import statistics
import threading
import time

from lambdamock.runtime import Runtime
from tests.runtime.conftest import handler_source, invoke, make_spec

# The targets are 100 us warm, 5 ms cold; the asserted limits leave room for slow CI machines.
WARM_LIMIT_S = 300e-6
COLD_LIMIT_S = 20e-3


def test_warm_invoke_overhead(runtime: Runtime) -> None:
    spec = make_spec(handler_source("return event"))
    invoke(runtime, spec)
    timings = []
    for _ in range(500):
        started = time.perf_counter()
        runtime.invoke(spec, b"{}", request_id="r", invoked_function_arn=spec.function_arn)
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < WARM_LIMIT_S


def test_cold_start_of_a_small_zip(runtime: Runtime) -> None:
    files = handler_source("return event", prelude="import json\nX = 1\n" + "# padding\n" * 80)
    timings = []
    for index in range(30):
        spec = make_spec(files, config_key=f"key-{index}")
        started = time.perf_counter()
        result = invoke(runtime, spec)
        timings.append(time.perf_counter() - started)
        assert result.cold
    assert len(make_spec(files).code) < 2048
    assert statistics.median(timings) < COLD_LIMIT_S


def test_concurrent_invocations_run_in_parallel(runtime: Runtime) -> None:
    spec = make_spec(handler_source("time.sleep(0.01)\nreturn 1", prelude="import time"))
    errors = []

    def caller() -> None:
        for _ in range(10):
            if invoke(runtime, spec).payload != b"1":
                errors.append(1)

    threads = [threading.Thread(target=caller) for _ in range(64)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    elapsed = time.perf_counter() - started
    assert not errors
    assert elapsed < 0.5

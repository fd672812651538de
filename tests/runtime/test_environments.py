"""Execution environments: warm reuse, cold starts, concurrency, retirement and provisioned ones."""

from __future__ import annotations

import dataclasses
import json
import threading
from typing import Any

import pytest

from lambdamock.errors import MockStoppedError
from lambdamock.runtime import Runtime
from tests.runtime import sync
from tests.runtime.conftest import handler_source, invoke, make_spec

COUNTER = handler_source(
    "global COUNT\nCOUNT += 1\nreturn {'count': COUNT, 'stream': context.log_stream_name}",
    prelude="COUNT = 0",
)


def test_warm_invocations_reuse_globals(runtime: Runtime) -> None:
    spec = make_spec(COUNTER)
    counts = [json.loads(invoke(runtime, spec).payload)["count"] for _ in range(3)]
    assert counts == [1, 2, 3]
    assert runtime.environment_count == 1


def test_cold_then_warm_flags_and_init_duration(runtime: Runtime) -> None:
    spec = make_spec(COUNTER)
    first, second = invoke(runtime, spec), invoke(runtime, spec)
    assert first.cold and first.init_duration_ms is not None and first.init_duration_ms > 0
    assert "\tInit Duration: " in first.log.splitlines()[-1]
    assert not second.cold and second.init_duration_ms is None
    assert "Init Duration" not in second.log


def test_concurrent_invocations_get_separate_environments(runtime: Runtime) -> None:
    sync.barriers["concurrent"] = threading.Barrier(3)
    spec = make_spec(
        handler_source(
            "sync.barriers['concurrent'].wait(5)\nreturn context.log_stream_name",
            prelude="from tests.runtime import sync",
        )
    )
    results = []

    def call() -> None:
        results.append(invoke(runtime, spec))

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert all(r.function_error is None for r in results), [r.payload for r in results]
    assert len({r.payload for r in results}) == 3  # one log stream per environment
    assert all(r.cold for r in results)
    assert runtime.environment_count == 3


def test_config_key_change_retires_old_environments(runtime: Runtime) -> None:
    spec = make_spec(COUNTER, config_key="one")
    invoke(runtime, spec)
    invoke(runtime, spec)
    changed = make_spec(COUNTER, config_key="two")
    result = invoke(runtime, changed)
    assert result.cold and json.loads(result.payload)["count"] == 1
    assert runtime.environment_count == 1
    # The old configuration is gone for good: going back to it starts cold again.
    assert invoke(runtime, spec).cold


def test_each_tenant_has_its_environments_and_a_config_change_retires_every_tenant_s(runtime: Runtime) -> None:
    spec = make_spec(COUNTER, config_key="one")
    for tenant in ("a", "b", "c", "a"):
        invoke(runtime, spec, tenant=tenant)
    assert runtime.environment_count == 3
    # One tenant's invocation of the new configuration retires the old environments of all tenants.
    assert invoke(runtime, make_spec(COUNTER, config_key="two"), tenant="a").cold
    assert runtime.environment_count == 1


def test_versions_have_their_own_environments(runtime: Runtime) -> None:
    latest = make_spec(COUNTER)
    one = make_spec(COUNTER, version="1")
    invoke(runtime, latest)
    assert json.loads(invoke(runtime, one).payload)["count"] == 1
    assert "[1]" in json.loads(invoke(runtime, one).payload)["stream"]
    assert runtime.environment_count == 2


def test_retire_drops_idle_environments(runtime: Runtime) -> None:
    latest, one = make_spec(COUNTER), make_spec(COUNTER, version="1")
    invoke(runtime, latest)
    invoke(runtime, one)
    runtime.retire(latest.function_arn, "1")
    assert runtime.environment_count == 1
    assert invoke(runtime, one).cold and not invoke(runtime, latest).cold
    runtime.retire(latest.function_arn)
    assert runtime.environment_count == 0


def test_retire_of_a_busy_environment_drops_it_when_it_finishes(runtime: Runtime) -> None:
    started, release = threading.Event(), threading.Event()
    sync.events.update(busy_started=started, busy_release=release)
    spec = make_spec(
        handler_source(
            "sync.events['busy_started'].set()\nsync.events['busy_release'].wait(5)\nreturn 1",
            prelude="from tests.runtime import sync",
        )
    )
    worker = threading.Thread(target=invoke, args=(runtime, spec))
    worker.start()
    assert started.wait(5)
    runtime.retire(spec.function_arn)
    assert runtime.environment_count == 1
    release.set()
    worker.join(5)
    assert runtime.environment_count == 0


def test_a_busy_environment_retired_is_dropped_though_a_new_one_serves_meanwhile(runtime: Runtime) -> None:
    # Retired environments are not reused ("busy ones go when they finish", Runtime.retire), even when the version
    # has new idle environments by then.
    started, release = threading.Event(), threading.Event()
    sync.events.update(busy_started=started, busy_release=release)
    spec = make_spec(handler_source(
        "if event.get('block'):\n    sync.events['busy_started'].set()\n    sync.events['busy_release'].wait(5)\n"
        "return TOKEN", prelude="import uuid\nfrom tests.runtime import sync\nTOKEN = uuid.uuid4().hex"))
    worker = threading.Thread(target=invoke, args=(runtime, spec, b'{"block": true}'))
    worker.start()
    assert started.wait(5)
    runtime.retire(spec.function_arn)
    fresh = invoke(runtime, spec)
    assert fresh.cold
    release.set()
    worker.join(5)
    assert runtime.environment_count == 1
    assert invoke(runtime, spec).payload == fresh.payload


def test_an_environment_busy_through_a_configuration_change_is_not_kept_for_the_new_one(runtime: Runtime) -> None:
    # docs/invoking.md, "What the handler sees": a code or configuration change retires the old environments.
    started, release = threading.Event(), threading.Event()
    sync.events.update(busy_started=started, busy_release=release)
    body = ("if event.get('block'):\n    sync.events['busy_started'].set()\n    sync.events['busy_release'].wait(5)\n"
            "return os.environ['SETTING']")
    prelude = "import os\nfrom tests.runtime import sync"
    old = make_spec(handler_source(body, prelude=prelude), environment={"SETTING": "old"})
    new = make_spec(handler_source(body, prelude=prelude), environment={"SETTING": "new"})
    worker = threading.Thread(target=invoke, args=(runtime, old, b'{"block": true}'))
    worker.start()
    assert started.wait(5)
    assert json.loads(invoke(runtime, new).payload) == "new"
    release.set()
    worker.join(5)
    assert [json.loads(invoke(runtime, new).payload) for _ in range(2)] == ["new", "new"]
    assert runtime.environment_count == 1


def test_prewarm_creates_provisioned_environments_for_provisioned_invocations(runtime: Runtime) -> None:
    spec = make_spec(
        handler_source("return os.environ['AWS_LAMBDA_INITIALIZATION_TYPE']", prelude="import os\nTYPE_AT_INIT = None"),
        version="1",
    )
    assert runtime.prewarm(spec, 2) is None
    assert runtime.environment_count == 2
    result = invoke(runtime, spec, provisioned=True)
    assert not result.cold and result.init_duration_ms is None
    assert json.loads(result.payload) == "provisioned-concurrency"


def test_on_demand_invocations_never_take_provisioned_environments(runtime: Runtime) -> None:
    spec = make_spec(handler_source("return os.environ['AWS_LAMBDA_INITIALIZATION_TYPE']", prelude="import os"))
    assert runtime.prewarm(spec, 1) is None
    result = invoke(runtime, spec)
    assert result.cold
    assert json.loads(result.payload) == "on-demand"
    assert runtime.environment_count == 2


def test_prewarm_reports_init_failure(runtime: Runtime) -> None:
    spec = make_spec({"app.py": "import nothing_here_at_all\n"}, version="1")
    reason = runtime.prewarm(spec, 2)
    assert reason == "Runtime.ImportModuleError: Unable to import module 'app': No module named 'nothing_here_at_all'"
    assert runtime.environment_count == 0


def test_on_demand_environments_report_their_init_type(runtime: Runtime) -> None:
    spec = make_spec(handler_source("return os.environ['AWS_LAMBDA_INITIALIZATION_TYPE']", prelude="import os"))
    assert json.loads(invoke(runtime, spec).payload) == "on-demand"


def test_invoke_after_close_is_refused() -> None:
    rt = Runtime()
    rt.close()
    rt.unhook()
    rt.close()  # idempotent
    with pytest.raises(MockStoppedError, match="the mock serving this call stopped"):
        invoke(rt, make_spec(COUNTER))


def test_invoke_after_close_is_refused_while_the_runtime_is_still_hooked(runtime: Runtime) -> None:
    # A handler that outlived its mock keeps the stand-ins in place (unhook comes when its threads ended): its Lambda
    # calls raise MockStoppedError once that mock has stopped (docs/limitations.md, "A thread a handler starts stays
    # the function's").
    invoke(runtime, make_spec(COUNTER))
    runtime.close()
    with pytest.raises(MockStoppedError, match="the mock serving this call stopped"):
        invoke(runtime, make_spec(COUNTER))
    assert runtime.environment_count == 0


def test_handler_can_invoke_another_function_through_the_same_runtime(runtime: Runtime) -> None:
    # What a handler's boto3 Invoke amounts to: a nested, synchronous invoke from a worker thread.
    specs = {
        "inner": make_spec(handler_source("return event['depth']"), name="inner"),
        "outer": make_spec(
            handler_source(
                "name = 'inner' if event['depth'] == 3 else 'outer'\n"
                "return sync.calls['nested'](name, {'depth': event['depth'] + 1})",
                prelude="from tests.runtime import sync",
            ),
            name="outer",
        ),
    }

    def call(name: str, event: object) -> object:
        return json.loads(invoke(runtime, specs[name], json.dumps(event).encode()).payload)

    sync.calls["nested"] = call
    assert call("outer", {"depth": 0}) == 4
    assert runtime.environment_count == 5  # four nested outer environments and one inner


def test_code_on_disk_is_found_while_another_package_unzips(monkeypatch: Any, tmp_path: Any) -> None:
    # Found in review: ready() took the lock get() holds for a whole unzip, so a cold start driven on an event loop
    # stood still while any other package unzipped (a second cold start of the same function, say).
    from lambdamock.runtime import archive
    from lambdamock.runtime.code import CodeStore

    store = CodeStore()
    there, big = make_spec({"app.py": "X = 1\n"}, name="there"), make_spec({"app.py": "X = 2\n"}, name="big")
    store.get(there)
    unzipping, release = threading.Event(), threading.Event()
    unzip = archive.extract

    def slow(*args: Any) -> None:
        unzipping.set()
        release.wait(10)
        unzip(*args)

    monkeypatch.setattr(archive, "extract", slow)
    worker = threading.Thread(target=store.get, args=(big,))
    worker.start()
    try:
        assert unzipping.wait(10)
        found: list[Any] = []
        in_place = dataclasses.replace(there, code_dir=str(tmp_path), config_key="in place")  # nothing to unzip
        reader = threading.Thread(target=lambda: found.extend([store.ready(there), store.ready(big),
                                                               store.ready(in_place)]))
        reader.start()
        reader.join(5)
        assert not reader.is_alive() and found[0] is not None and found[1] is None
        assert found[2].root == str(tmp_path)
    finally:
        release.set()
        worker.join(10)
        store.close()

"""Environment variables: each environment sees its own layer; the rest of the process sees nothing."""

from __future__ import annotations

import json
import os
import threading
from typing import Dict, Optional

import pytest

from lambdamock.runtime import Runtime
from tests.runtime import sync
from tests.runtime.conftest import handler_source, invoke, make_spec

RESERVED = [
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_XRAY_CONTEXT_MISSING",
    "AWS_XRAY_DAEMON_ADDRESS",
    "_AWS_XRAY_DAEMON_ADDRESS",
    "_AWS_XRAY_DAEMON_PORT",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
    "TZ",
    "LANG",
    "LC_CTYPE",
    "PYTHONPATH",
]


def test_handler_sees_function_and_reserved_variables(runtime: Runtime) -> None:
    spec = make_spec(
        handler_source(
            "return {k: os.environ.get(k) for k in event} | {'via_getenv': os.getenv('COLOR')}", prelude="import os"
        ),
        name="envfn",
        version="7",
        memory_size=256,
        environment={"COLOR": "red"},
    )
    env = json.loads(invoke(runtime, spec, json.dumps([*RESERVED, "COLOR"]).encode()).payload)
    assert env["COLOR"] == env["via_getenv"] == "red"
    assert env["_HANDLER"] == "app.handler"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "envfn"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "7"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/envfn"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"].split("/")[3].startswith("[7]")
    assert os.path.isfile(os.path.join(env["LAMBDA_TASK_ROOT"], "app.py"))
    # Recorded: LocalStack test_lambda_common.snapshot.json, test_introspection_invoke[python3.12]; the
    # runtime API and X-Ray daemon addresses are loopback ones here (AWS's are 169.254.100.1).
    assert (env["TZ"], env["LANG"], env["LC_CTYPE"]) == (":UTC", "en_US.UTF-8", "C.UTF-8")
    # Recorded: LocalStack test_lambda.snapshot.json, test_lambda_init_environment.
    assert env["PYTHONPATH"] == "/var/runtime"
    assert env["AWS_XRAY_CONTEXT_MISSING"] == "LOG_ERROR"
    assert (env["AWS_LAMBDA_RUNTIME_API"], env["AWS_XRAY_DAEMON_ADDRESS"]) == ("127.0.0.1:9001", "127.0.0.1:2000")
    assert (env["_AWS_XRAY_DAEMON_ADDRESS"], env["_AWS_XRAY_DAEMON_PORT"]) == ("127.0.0.1", "2000")
    assert env["_X_AMZN_TRACE_ID"].startswith("Root=1-")
    assert all(env[k] is not None for k in RESERVED)
    for name in [*RESERVED, "COLOR"]:
        if name not in ("LANG", "LC_CTYPE"):  # the test process may have the same locale
            assert name not in os.environ or os.environ[name] != env[name]


def test_the_configuration_replaces_the_unreserved_variables(runtime: Runtime) -> None:
    # LANG and PYTHONPATH (recorded: LocalStack test_lambda.snapshot.json, test_lambda_init_environment) and
    # AWS_XRAY_CONTEXT_MISSING and TZ, "unreserved environment variables" of Lambda's guide (TZ since 2022, as
    # users report: https://qiita.com/Ntakato/items/b84dd4373f94cfda2c01, a TZ of Asia/Tokyo is in effect in the
    # function). The X-Ray daemon's address stays a loopback one, whatever the configuration says: nothing leaves
    # the machine.
    names = ["LANG", "PYTHONPATH", "AWS_XRAY_CONTEXT_MISSING", "TZ", "AWS_XRAY_DAEMON_ADDRESS"]
    spec = make_spec(handler_source("return [os.environ[k] for k in event]", prelude="import os"),
                     environment={"LANG": "C", "PYTHONPATH": "/opt/x", "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
                                  "TZ": "Asia/Tokyo", "AWS_XRAY_DAEMON_ADDRESS": "198.51.100.7:2000"})
    seen = json.loads(invoke(runtime, spec, json.dumps(names).encode()).payload)
    assert seen == ["C", "/opt/x", "IGNORE_ERROR", "Asia/Tokyo", "127.0.0.1:2000"]


@pytest.mark.parametrize(("version", "lc_ctype"), [("python3.11", None), ("python3.12", "C.UTF-8"),
                                                   ("python3.14", "C.UTF-8")])
def test_lc_ctype_is_set_by_the_runtimes_on_amazon_linux_2023(runtime: Runtime, version: str,
                                                              lc_ctype: Optional[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # Recorded: LocalStack test_lambda_common.snapshot.json, test_introspection_invoke[python3.8 ... 3.14].
    monkeypatch.delenv("LC_CTYPE", raising=False)
    spec = make_spec(handler_source("return os.environ.get('LC_CTYPE')", prelude="import os"), runtime=version)
    assert json.loads(invoke(runtime, spec).payload) == lc_ctype


def test_trace_id_changes_per_invocation(runtime: Runtime) -> None:
    spec = make_spec(handler_source("return os.environ['_X_AMZN_TRACE_ID']", prelude="import os"))
    assert invoke(runtime, spec).payload != invoke(runtime, spec).payload


def test_credentials_come_from_the_process(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing-key")
    spec = make_spec(handler_source("return os.environ.get('AWS_ACCESS_KEY_ID')", prelude="import os"))
    assert json.loads(invoke(runtime, spec).payload) == "testing-key"


def test_conflicting_values_of_concurrent_functions_stay_apart(runtime: Runtime) -> None:
    sync.barriers["env"] = threading.Barrier(3)
    code = handler_source(
        "seen = set()\n"
        "for step in range(3):\n"
        "    seen.add(os.environ['COLOR'])\n"
        "    os.environ['WRITTEN'] = os.environ['COLOR']\n"
        "    sync.barriers['env'].wait(5)\n"
        "    seen.add(os.getenv('WRITTEN'))\n"
        "return sorted(seen)",
        prelude="import os\nfrom tests.runtime import sync",
    )
    red = make_spec(code, name="red", environment={"COLOR": "red"})
    blue = make_spec(code, name="blue", environment={"COLOR": "blue"})
    results: Dict[str, bytes] = {}
    threads = [
        threading.Thread(target=lambda s=s: results.__setitem__(s.function_name, invoke(runtime, s).payload))
        for s in (red, blue)
    ]
    for thread in threads:
        thread.start()
    for _ in range(3):
        # The test's own thread, meanwhile, sees the process environment only.
        assert "COLOR" not in os.environ and os.getenv("WRITTEN") is None
        sync.barriers["env"].wait(5)
    for thread in threads:
        thread.join(10)
    assert json.loads(results["red"]) == ["red"]
    assert json.loads(results["blue"]) == ["blue"]
    assert "WRITTEN" not in os.environ


def test_handler_writes_and_deletes_stay_in_its_environment(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FROM_PROCESS", "p")
    spec = make_spec(
        handler_source(
            "if event == 'write':\n"
            "    os.environ['MINE'] = '1'\n"
            "    del os.environ['FROM_PROCESS']\n"
            "return [os.environ.get('MINE'), os.environ.get('FROM_PROCESS'), 'FROM_PROCESS' in dict(os.environ)]",
            prelude="import os",
        )
    )
    assert json.loads(invoke(runtime, spec, b'"write"').payload) == ["1", None, False]
    assert json.loads(invoke(runtime, spec, b'"read"').payload) == ["1", None, False]  # warm: persists
    assert os.environ["FROM_PROCESS"] == "p" and "MINE" not in os.environ


def test_non_string_values_are_refused_as_by_os_environ(runtime: Runtime) -> None:
    spec = make_spec(handler_source("os.environ['N'] = 1", prelude="import os"))
    result = invoke(runtime, spec)
    assert json.loads(result.payload)["errorType"] == "TypeError"


def test_os_environ_stays_the_same_object_and_its_data_is_restored() -> None:
    original, data = os.environ, os.environ._data  # type: ignore[attr-defined]
    rt = Runtime()
    invoke(rt, make_spec(handler_source("return 1")))
    assert os.environ is original, "code holding os.environ from before the mock sees the functions' layer"
    assert os.environ._data is not data  # type: ignore[attr-defined]  # the thread-aware layer
    os.environ["SET_WHILE_ACTIVE"] = "yes"
    try:
        assert data[os.fsencode("SET_WHILE_ACTIVE")] == b"yes"  # writes from the test's thread go through
    finally:
        rt.close()
        rt.unhook()
        del os.environ["SET_WHILE_ACTIVE"]
    assert os.environ is original and os.environ._data is data  # type: ignore[attr-defined]


def test_two_runtimes_restore_only_after_the_last_close() -> None:
    original, data = os.environ, os.environ._data  # type: ignore[attr-defined]
    first, second = Runtime(), Runtime()
    invoke(first, make_spec(handler_source("return 1")))
    invoke(second, make_spec(handler_source("return 2")))
    first.close()
    first.unhook()
    assert json.loads(invoke(second, make_spec(handler_source("return 2"))).payload) == 2
    second.close()
    second.unhook()
    assert os.environ is original and os.environ._data is data  # type: ignore[attr-defined]

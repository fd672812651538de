"""A handler cannot break the test process: its streams, environment and names are its own, and put back."""

from __future__ import annotations

import base64
import gc
import io
import json
import os
import subprocess
import sys
from os import environ as early_environ  # bound at import time, before any mock, as application code does
from typing import Any

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests.helpers import ROLE, wait_until


def deploy(client: Any, body: str, name: str = "f", prelude: str = "import io, os, sys", **extra: Any) -> None:
    source = f"{prelude}\ndef handler(event, context):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source})}, **extra)


def call(client: Any, name: str = "f") -> Any:
    response = client.invoke(FunctionName=name, Payload=b"{}")
    return response.get("FunctionError"), json.loads(response["Payload"].read())


@pytest.fixture
def client(lambda_mock: Any) -> Any:
    return boto3.client("lambda", region_name="us-east-1")


def test_closing_stdout_closes_it_for_that_invocation_only(client: Any, capfd: Any) -> None:
    deploy(client, "print('before')\nsys.stdout.close()\nclosed = sys.stdout.closed\n"
                   "try:\n    print('after')\nexcept ValueError as error:\n    return [closed, str(error)]")
    assert call(client) == (None, [True, "I/O operation on closed file."])
    # The next invocation prints again, and so does the test process.
    deploy(client, "print('again')\nreturn sys.stdout.closed", name="g")
    assert call(client, "g") == (None, False)
    print("the test's own stdout still works")
    assert not sys.stdout.closed and not sys.__stdout__.closed
    assert "the test's own stdout still works" in capfd.readouterr().out


@pytest.mark.parametrize("raw", ["sys.stdout.detach()", "sys.stdout.buffer"])
def test_rewrapping_stdout_leaves_the_test_process_s_as_it_was(client: Any, capfd: Any, raw: str) -> None:
    # As Lambda code re-wraps it for another encoding or line buffering; the wrapper closes what it wraps as it is
    # closed, or collected.
    deploy(client, f"wrapper = io.TextIOWrapper({raw}, encoding='utf-8', line_buffering=True)\n"
                   "wrapper.write('réwrapped\\n')\nwrapper.close()\nprint('printed')\n"
                   "sys.stdout.reconfigure(line_buffering=True, encoding='latin-1')\n"
                   "try:\n    sys.stdout.reconfigure(encoding='no-such-codec')\n"
                   "except LookupError as error:\n    return str(error)")
    encoding, buffering = sys.stdout.encoding, sys.stdout.line_buffering
    response = client.invoke(FunctionName="f", LogType="Tail")
    assert json.loads(response["Payload"].read()) == "unknown encoding: no-such-codec"
    log = base64.b64decode(response["LogResult"]).decode()
    assert "réwrapped\n" in log and "printed\n" in log
    assert (sys.stdout.encoding, sys.stdout.line_buffering) == (encoding, buffering)
    assert not sys.stdout.closed and not sys.stdout.buffer.closed
    print("the test's own stdout still works")
    assert "the test's own stdout still works" in capfd.readouterr().out


def test_what_a_rewrapped_stdout_holds_back_is_the_invocation_s(client: Any, capfd: Any) -> None:
    # The wrapper buffers what print() gives it: the rebinding, undone as the invocation ends, flushes it there (not
    # later, as it is collected, on whatever thread).
    deploy(client, "sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding='utf-8')\nprint('held back')")
    response = client.invoke(FunctionName="f", LogType="Tail")
    assert "held back\n" in base64.b64decode(response["LogResult"]).decode()
    assert "held back" not in capfd.readouterr().out


def test_the_buffer_a_function_gets_is_its_own(client: Any) -> None:
    deploy(client, "raw = sys.stdout.buffer\nraw.close()\ntry:\n    raw.write(b'x')\nexcept ValueError as error:\n"
                   "    written = str(error)\ntry:\n    sys.stdout.buffer.detach()\nexcept io.UnsupportedOperation:\n"
                   "    detached = False\nreturn [raw.closed, written, detached, hasattr(sys.stdout.buffer, 'raw')]")
    assert call(client) == (None, [True, "write to closed file", False, False])
    assert not sys.stdout.buffer.closed


def test_rebinding_sys_stdout_is_undone_when_the_invocation_ends(client: Any) -> None:
    deploy(client, "return 1", name="warm")
    call(client, "warm")  # the streams lambdamock diverts are in place from the first invocation on
    before = sys.stdout, sys.stderr
    deploy(client, "sys.stdout = io.StringIO()\nsys.stderr = io.StringIO()\nprint('kept')\n"
                   "return sys.stdout.getvalue()")
    assert call(client) == (None, "kept\n")
    assert (sys.stdout, sys.stderr) == before
    deploy(client, "sys.stdout = sys.__stdout__\nsys.stderr = sys.__stderr__", name="reset")
    call(client, "reset")  # the interpreter's own streams, as a handler "resets" them
    assert (sys.stdout, sys.stderr) == before


def test_rebinding_sys_stdout_is_undone_when_the_invocation_is_given_up_on(client: Any) -> None:
    deploy(client, "return 1", name="warm")
    call(client, "warm")
    before = sys.stdout
    deploy(client, "sys.stdout = io.StringIO()\nthreading.Event().wait(1.5)", prelude="import io, sys, threading",
           Timeout=1)
    assert call(client)[0] == "Unhandled"
    assert sys.stdout is before  # at once, as the caller gets its timeout


@pytest.mark.parametrize("later", ["interpreter's stream", "another mock's", "its own"])
def test_a_timed_out_handler_that_ends_late_leaves_the_streams_the_process_set_since(later: str) -> None:
    # The handler outlives its timeout in a wait no exception interrupts, and ends after its mock stopped and the
    # test process set another stream: the interpreter's (pytest puts it back at the end of a session), one that
    # the next test's mock diverts, or one of its own (redirect_stdout). What the invocation saw as the process's
    # stream is stale by then: it is put back when the invocation is given up on, never when it ends.
    import threading

    from tests.helpers import wait_until

    def slow_ended() -> bool:
        return not [thread for thread in threading.enumerate() if thread.name.startswith("lambdamock:slow")]

    before = sys.stdout
    try:
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            deploy(client, "threading.Event().wait(1.5)", name="slow", prelude="import threading", Timeout=1)
            assert call(client, "slow")[0] == "Unhandled"
        if later == "interpreter's stream":
            sys.stdout = sys.__stdout__
            wait_until(slow_ended, timeout=10)
            assert sys.stdout is sys.__stdout__
            return
        if later == "its own":
            mine = sys.stdout = io.StringIO()
            wait_until(slow_ended, timeout=10)
            assert sys.stdout is mine
            return
        sys.stdout = io.StringIO()
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            deploy(client, "return 1")
            assert call(client) == (None, 1)  # the new stream is diverted for this mock's functions
            wait_until(slow_ended, timeout=10)
            assert sys.stdout.target is not before and isinstance(sys.stdout.target, io.StringIO)
    finally:
        sys.stdout = before


@pytest.mark.parametrize("rebinds", [False, True], ids=["a handler", "a handler that rebinds sys.stdout"])
def test_a_handler_running_when_its_mock_stops_leaves_the_streams_the_process_sets_after(rebinds: bool) -> None:
    # As above, for an invocation nobody gave up on: what it found is put back as its mock stops (its own stream
    # too), and what the test process sets after that (pytest's capture does, between two tests) stays when it ends.
    import threading

    from tests.helpers import wait_until
    from tests.runtime import sync

    def late_ended() -> bool:
        return not [thread for thread in threading.enumerate() if thread.name.startswith("lambdamock:late")]

    before = sys.stdout
    sync.events["late"] = release = threading.Event()
    started = sync.events["late-started"] = threading.Event()
    try:
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            deploy(client, "sys.stdout = io.StringIO()\n" * rebinds + "sync.events['late-started'].set()\n"
                   "sync.events['late'].wait(20)", name="late", prelude="import io, sys\nfrom tests.runtime import sync")
            deploy(client, "return 1", name="warm")
            assert call(client, "warm") == (None, 1)  # the streams lambdamock diverts are in place from now on
            diverted = sys.stdout
            client.invoke(FunctionName="late", InvocationType="Event", Payload=b"{}")
            assert started.wait(10)
        assert sys.stdout is diverted
        mine = sys.stdout = io.StringIO()
        release.set()
        wait_until(late_ended, timeout=10)
        assert sys.stdout is mine
    finally:
        release.set()
        sys.stdout = before


def test_rebinding_os_environ_is_undone_and_never_seen_by_other_functions(client: Any) -> None:
    original = os.environ
    deploy(client, "os.environ = {'ONLY': 'mine'}\nreturn dict(os.environ)", name="rebinder",
           Environment={"Variables": {"AA": "1"}})
    deploy(client, "return os.environ.get('AA'), os.environ.get('ONLY')", name="other")
    assert call(client, "rebinder") == (None, {"ONLY": "mine"})
    assert os.environ is original and "ONLY" not in os.environ
    assert call(client, "other") == (None, [None, None])


@pytest.mark.skipif(not hasattr(os, "environb"), reason="no os.environb here")
def test_rebinding_os_environb_is_undone(client: Any) -> None:
    original = os.environb
    deploy(client, "os.environb = {b'ONLY': b'mine'}\nreturn len(os.environb)")
    assert call(client) == (None, 1)
    assert os.environb is original


def test_putenv_and_environ_writes_never_reach_child_processes(client: Any) -> None:
    deploy(client, "os.putenv('LEAKED_BY_PUTENV', 'x')\nos.environ['LEAKED_BY_SET'] = 'y'\n"
                   "return os.environ.get('LEAKED_BY_SET')")
    assert call(client) == (None, "y")
    seen = subprocess.run([sys.executable, "-c", "import os; print(sorted(k for k in os.environ if 'LEAKED' in k))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert seen == "[]"
    assert "LEAKED_BY_SET" not in os.environ


def test_a_handler_s_os_environ_is_a_mapping_of_its_own_variables(client: Any, monkeypatch: Any) -> None:
    # Every name once, the configured value over the test process's (even an empty one), and del as a dict's.
    monkeypatch.setenv("COLOR", "from-process")
    monkeypatch.setenv("EMPTY", "from-process")
    monkeypatch.setenv("FROM_PROCESS", "p")
    deploy(client, "listed = list(os.environ)\n"
                   "seen = [listed.count('COLOR'), 'COLOR' in listed, len(os.environ) == len(listed),\n"
                   "        os.environ['COLOR'], os.environ['EMPTY'], dict(os.environ)['EMPTY']]\n"
                   "del os.environ['COLOR']\n"
                   "os.environ['MINE'] = '1'\n"
                   "del os.environ['MINE']\n"
                   "del os.environ['FROM_PROCESS']\n"
                   "refused = []\n"
                   "for name in ('FROM_PROCESS', 'MINE', 'NEVER_SET'):\n"
                   "    try:\n"
                   "        del os.environ[name]\n"
                   "    except KeyError:\n"
                   "        refused.append(name)\n"
                   "gone = [os.environ.get(name) for name in ('COLOR', 'MINE', 'FROM_PROCESS')]\n"
                   "return [seen, refused, gone, [k for k in os.environ if k in ('COLOR', 'MINE', 'FROM_PROCESS')]]",
           Environment={"Variables": {"COLOR": "red", "EMPTY": ""}})
    assert call(client) == (None, [[1, True, True, "red", "", ""], ["FROM_PROCESS", "MINE", "NEVER_SET"],
                                   [None, None, None], []])
    assert (os.environ["COLOR"], os.environ["EMPTY"], os.environ["FROM_PROCESS"]) == ("from-process",) * 2 + ("p",)


def test_deleting_a_variable_never_unsets_it_for_the_test_process_s_children(client: Any,
                                                                             monkeypatch: Any) -> None:
    monkeypatch.setenv("KEPT_FOR_CHILDREN", "p")
    deploy(client, "del os.environ['KEPT_FOR_CHILDREN']\nos.unsetenv('KEPT_FOR_CHILDREN')\n"
                   "return os.environ.get('KEPT_FOR_CHILDREN')")
    assert call(client) == (None, None)
    seen = subprocess.run([sys.executable, "-c", "import os; print(os.environ.get('KEPT_FOR_CHILDREN'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert seen == "p"


def test_the_environment_s_names_are_put_back_as_the_mock_lets_go() -> None:
    environb = getattr(os, "environb", None)
    before = (os.environ._data, getattr(environb, "_data", None), os.putenv, os.unsetenv)  # type: ignore[attr-defined]
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        deploy(client, "return 1")
        assert call(client) == (None, 1)
        assert (os.putenv, os.unsetenv) != before[2:]
    after = (os.environ._data, getattr(environb, "_data", None), os.putenv, os.unsetenv)  # type: ignore[attr-defined]
    assert all(now is then for now, then in zip(after, before))


def test_a_later_replacement_of_the_environment_s_data_is_left_to_whoever_made_it() -> None:
    data = os.environ._data  # type: ignore[attr-defined]
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        deploy(client, "return 1")
        assert call(client) == (None, 1)  # the functions' layer is in place
        replacement = dict(data)
        os.environ._data = replacement  # type: ignore[attr-defined]
    try:
        assert os.environ._data is replacement  # type: ignore[attr-defined]
    finally:
        os.environ._data = data  # type: ignore[attr-defined]


def test_environb_and_early_references_see_the_functions_variables(client: Any) -> None:
    deploy(client, "from tests import test_containment as t\n"
                   "return [t.early_environ.get('COLOR'), os.environb.get(b'COLOR', b'').decode(), os.getenv('COLOR')]",
           Environment={"Variables": {"COLOR": "teal"}})
    assert call(client) == (None, ["teal", "teal", "teal"])
    assert "COLOR" not in early_environ


def test_a_default_boto3_session_made_before_the_mock_sees_the_functions_region(monkeypatch: Any) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session()  # the test process's session, with no region
    with mock_lambda():
        client = boto3.client("lambda", region_name="eu-west-2")
        deploy(client, "import boto3\nc = boto3.client('lambda')\n"
                       "return [c.meta.region_name, c.list_functions()['Functions'][0]['FunctionName']]",
               prelude="import os")
        assert call(client) == (None, ["eu-west-2", "f"])


def test_interpreter_settings_a_function_changes_are_put_back_as_the_mock_lets_go() -> None:
    # They hold for the whole process while it runs (one interpreter); on AWS each function's process has its own.
    def settings() -> list[Any]:
        return [sys.getrecursionlimit(), sys.getswitchinterval(), gc.isenabled(), gc.get_threshold(),
                getattr(sys, "get_int_max_str_digits", lambda: None)()]

    def run(source: str) -> None:
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            deploy(client, source)
            assert call(client) == (None, None)

    original = settings()
    sys.setswitchinterval(0.007)  # one the setter keeps in microseconds: it reads back as 0.006999999999999999
    gc.disable()
    before = settings()
    try:
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            deploy(client, "sys.setrecursionlimit(4321)\nsys.setswitchinterval(0.002)\ngc.set_threshold(1, 1, 1)\n"
                           "gc.set_threshold(7, 8, 9)\n"
                           "if hasattr(sys, 'set_int_max_str_digits'):\n    sys.set_int_max_str_digits(5000)\n"
                           "return gc.isenabled()", prelude="import gc, sys\ngc.enable()")
            assert call(client) == (None, True)
            assert settings()[:4] == [4321, 0.002, True, (7, 8, 9)]
            sys.setrecursionlimit(2345)  # the test's own change stands
        assert settings() == [2345, *before[1:]]
        sys.setrecursionlimit(4321)  # what the function gave it, set by the test after that mock: it stands too
        run("return None")
        assert sys.getrecursionlimit() == 4321
    finally:
        sys.setrecursionlimit(original[0])
        sys.setswitchinterval(original[1])
        gc.enable()
        gc.set_threshold(*original[3])


def test_a_switch_interval_is_put_back_to_the_very_value_it_read_before() -> None:
    # docs/limitations.md, "Interpreter settings are the process's": the switch interval is put back as the last mock
    # lets go. Set to 3919 microseconds, it reads back as 0.003918 (whole microseconds, truncated), a value that a
    # setter given it again, unrounded, truncates once more.
    original = sys.getswitchinterval()
    sys.setswitchinterval(0.003919)
    before = sys.getswitchinterval()
    try:
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            deploy(client, "sys.setswitchinterval(0.002)\nreturn sys.getswitchinterval()")
            assert call(client) == (None, 0.002)
        assert sys.getswitchinterval() == before
    finally:
        sys.setswitchinterval(original)


def test_a_handler_s_stdout_takes_writes_as_python_s_text_streams_do(client: Any) -> None:
    # The runtime's sys.stdout is CPython's TextIOWrapper: write() returns the characters written, refuses bytes
    # with its TypeError, writelines() writes each line, and its buffer takes bytes (what is not UTF-8 reaching the
    # log as U+FFFD, see limitations.md).
    deploy(client, "written = sys.stdout.write('héllo\\n')\nsys.stdout.writelines(['one\\n', 'two\\n'])\n"
                   "taken = sys.stdout.buffer.write('bÿtes\\n'.encode())\nsys.stdout.buffer.write(b'a\\xffb\\n')\n"
                   "try:\n    sys.stdout.write(b'x')\nexcept TypeError as error:\n    return [written, taken, str(error)]")
    response = client.invoke(FunctionName="f", LogType="Tail")
    assert json.loads(response["Payload"].read()) == [6, 7, "write() argument must be str, not bytes"]
    assert "héllo\none\ntwo\nbÿtes\na\ufffdb\n" in base64.b64decode(response["LogResult"]).decode()


def test_a_handler_s_thread_may_print_after_its_invocation_ended(client: Any, tmp_path: Any) -> None:
    # Between invocations there is no invocation's log to write to; the print still works, as a process's does.
    deploy(client, "def later():\n    deadline = time.monotonic() + 10\n"
                   "    while not os.path.exists(event['go']) and time.monotonic() < deadline:\n"
                   "        time.sleep(0.01)\n"
                   "    print('between invocations')\n    open(event['done'], 'w').close()\n"
                   "threading.Thread(target=later).start()", prelude="import os, threading, time")
    go, done = tmp_path / "go", tmp_path / "done"
    response = client.invoke(FunctionName="f", Payload=json.dumps({"go": str(go), "done": str(done)}))
    assert "FunctionError" not in response
    go.touch()
    wait_until(done.exists)  # the print did not fail the thread


def test_a_function_never_reaches_the_raw_file_under_the_process_s_stdout(client: Any, monkeypatch: Any) -> None:
    # The process's stdout here is a file's, whose buffer has a raw file: the function's buffer has none.
    process_stdout = io.TextIOWrapper(io.BufferedWriter(io.BytesIO()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", process_stdout)
    assert hasattr(sys.stdout.buffer, "raw")
    deploy(client, "return hasattr(sys.stdout.buffer, 'raw')")
    assert call(client) == (None, False)

"""The three ways to activate lambdamock, and fresh state for each activation."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
import threading
import time
import unittest

import boto3
import pytest

from lambdamock import LambdaMock, mock_lambda, package
from tests.helpers import ROLE


def create(name: str = "f") -> None:
    boto3.client("lambda", region_name="us-east-1").create_function(
        FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": package({"app.py": "x = 1"})},
    )


def names() -> list[str]:
    client = boto3.client("lambda", region_name="us-east-1")
    return [f["FunctionName"] for f in client.list_functions()["Functions"]]


@mock_lambda
def test_bare_decorator():
    create()
    assert names() == ["f"]


@mock_lambda()
def test_called_decorator():
    create()
    assert names() == ["f"]


@mock_lambda(account_id="111122223333")
def test_account_id_option():
    create()
    arn = boto3.client("lambda", region_name="us-east-1").get_function(FunctionName="f")["Configuration"]["FunctionArn"]
    assert arn == "arn:aws:lambda:us-east-1:111122223333:function:f"


def test_async_function_decorator():
    @mock_lambda
    async def body() -> list[str]:
        create()
        await asyncio.sleep(0)
        return names()

    assert asyncio.run(body()) == ["f"]


def test_each_call_of_a_decorated_function_starts_empty():
    @mock_lambda
    def body() -> list[str]:
        before = names()
        create()
        return before

    assert body() == []
    assert body() == []


class SharedTests(unittest.TestCase):
    """Tests a decorated subclass inherits; setUp makes a function, as fixtures in setUp often do."""

    __test__ = False  # run only through the decorated subclass

    def setUp(self):
        create("from-setup")

    def tearDown(self):
        # Still mocked: a tearDown that cleans up through Lambda must not reach AWS.
        boto3.client("lambda", region_name="us-east-1").delete_function(FunctionName="from-setup")

    def test_inherited(self):
        self.assertEqual(names(), ["from-setup"])


@mock_lambda
class TestDecoratedClass(SharedTests):
    __test__ = True

    def test_one(self):
        create("one")
        self.assertEqual(names(), ["from-setup", "one"])

    def test_two(self):
        create("two")
        self.assertEqual(names(), ["from-setup", "two"])


class PlainTests:
    def test_inherited_plain(self):
        create()
        assert names() == ["f"]


@mock_lambda
class TestPlainClass(PlainTests):
    """A plain (pytest) class: each test*, inherited ones included, runs in a fresh mock."""

    def test_own(self):
        create()
        assert names() == ["f"]

    # Found in review: a static test method was made an ordinary one (pytest then passed it self), and a class
    # method was left unmocked. Each stays what it is, in a fresh mock of its own.
    @staticmethod
    def test_static():
        create()
        assert names() == ["f"]

    @classmethod
    def test_class_method(cls):
        create()
        assert names() == ["f"]


@mock_lambda
class TestDecoratedBase(unittest.TestCase):
    def setUp(self):
        create("from-base")


@mock_lambda
class TestDecoratedSubclassOfADecoratedBase(TestDecoratedBase):
    """Both decorated: still one mock per test (found in review: the base's setUp started a second, inner one)."""

    def setUp(self):
        create("early")
        super().setUp()

    def test_sees_both(self):
        self.assertEqual(names(), ["early", "from-base"])


@mock_lambda
class TestXunitBase:
    def setup_method(self):
        create("from-base")


@mock_lambda
class TestXunitSubclassOfADecoratedBase(TestXunitBase):
    def setup_method(self):
        create("early")
        super().setup_method()

    def test_sees_both(self):
        assert names() == ["early", "from-base"]


class XunitTests:
    """pytest's xunit methods, as test classes often make their functions; what the subclass inherits."""

    def setup_method(self, method):
        create("from-setup-method")
        self.test_name = method.__name__

    def teardown_method(self):
        # Still mocked: a teardown that cleans up through Lambda must not reach AWS.
        boto3.client("lambda", region_name="us-east-1").delete_function(FunctionName="from-setup-method")


@mock_lambda
class TestXunitClass(XunitTests):
    """A pytest class with setup_method: one fresh mock from setup_method to teardown_method (moto's decorator too)."""

    def test_sees_what_setup_method_made(self):
        assert names() == ["from-setup-method"]
        assert self.test_name == "test_sees_what_setup_method_made"

    def test_each_test_has_a_fresh_mock(self):
        create("own")
        assert names() == ["from-setup-method", "own"]


def test_a_decorated_xunit_class_stops_its_mock_after_teardown_and_after_a_failing_setup() -> None:
    from lambdamock import _active

    case = TestXunitClass()
    case.setup_method(TestXunitClass.test_each_test_has_a_fresh_mock)
    case.test_each_test_has_a_fresh_mock()
    assert _active.current() is not None
    case.teardown_method(TestXunitClass.test_each_test_has_a_fresh_mock)
    assert _active.current() is None

    @mock_lambda
    class FailingSetup:
        def setup_method(self):
            create()
            raise RuntimeError("setup failed")

    with pytest.raises(RuntimeError):
        FailingSetup().setup_method(None)  # pytest then skips teardown_method
    assert _active.current() is None

    @mock_lambda
    class SetupOnly:
        def setup_method(self):
            create()

    plain = SetupOnly()
    plain.setup_method(None)
    assert names() == ["f"]
    plain.teardown_method(None)  # given to the class, to end the mock
    assert _active.current() is None


def test_a_decorated_testcase_covers_setup_and_teardown_and_stops_after() -> None:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(TestDecoratedClass)
    result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
    assert result.testsRun == 3 and result.wasSuccessful(), result.errors + result.failures
    from lambdamock import _active

    assert _active.current() is None


@pytest.fixture
@mock_lambda
def mocked_with_a_function():
    create("fixture-made")
    yield names()


def test_a_decorated_generator_fixture_keeps_its_mock_until_teardown(mocked_with_a_function):
    assert mocked_with_a_function == ["fixture-made"]
    assert names() == ["fixture-made"]


def test_an_async_generator_is_refused_with_the_supported_forms():
    async def agen():
        yield 1

    with pytest.raises(TypeError, match="a function, an async function, a generator function or a class"):
        mock_lambda(agen)


def test_invocations_stay_readable_after_stop():
    with mock_lambda() as mock:
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return e\n"})})
        client.invoke(FunctionName="f", Payload=b'{"n": 1}')
    assert [run.result for run in mock.invocations] == [{"n": 1}]
    assert "stopped" in repr(mock) and "invocations=1" in repr(mock)
    text = str(mock)
    assert "stopped" in text and "f" in text


def test_an_event_invocation_starting_as_its_mock_stops_runs_on_its_own_code():
    # Found trying stop() in a notebook: an Event invocation whose environment was starting as the mock stopped
    # lost its code with it, and was recorded as Runtime.ImportModuleError. Code now goes when its threads do.
    import threading

    from tests.runtime import sync

    sync.events["initialising"], sync.events["go on"] = threading.Event(), threading.Event()
    source = ("from tests.runtime import sync\n"
              "sync.events['initialising'].set()\n"
              "sync.events['go on'].wait(10)\n"
              "def handler(e, c):\n"
              "    import helper\n"
              "    return helper.VALUE\n")
    mock = mock_lambda().start()
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source, "helper.py": "VALUE = 'from its code'\n"})})
    client.invoke(FunctionName="f", InvocationType="Event", Payload=b"{}")
    assert sync.events["initialising"].wait(10)
    mock.stop()
    sync.events["go on"].set()
    deadline = time.monotonic() + 10
    while not mock.invocations:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    [run] = mock.invocations
    assert (run.error, run.result) == (None, "from its code")


def test_context_manager_yields_the_mock():
    with mock_lambda() as mock:
        assert isinstance(mock, LambdaMock)
        create()
        assert list(mock.state.region("us-east-1").functions) == ["f"]


def test_start_stop_for_notebooks():
    mock = mock_lambda()
    mock.start()
    try:
        create()
        assert names() == ["f"]
    finally:
        mock.stop()
    mock.start()
    try:
        assert names() == []
    finally:
        mock.stop()


def test_starting_twice_raises():
    mock = mock_lambda().start()
    try:
        with pytest.raises(RuntimeError):
            mock.start()
    finally:
        mock.stop()


def test_fixture(lambda_mock):
    assert lambda_mock.started
    create()
    assert names() == ["f"]


def test_fixture_state_does_not_leak(lambda_mock):
    assert names() == []


def test_state_outside_activation_raises():
    with pytest.raises(RuntimeError):
        mock_lambda().state  # noqa: B018


def test_a_wait_that_times_out_says_what_still_runs():
    from tests.runtime import sync

    sync.events["held"] = held = threading.Event()
    source = "from tests.runtime import sync\ndef handler(event, context):\n    sync.events['held'].wait(10)\n"
    with mock_lambda() as mock:
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": source})})
        client.invoke(FunctionName="f", InvocationType="Event")
        try:
            with pytest.raises(TimeoutError, match=r"^background invocations still running or queued after 0.2 s$"):
                mock.wait(timeout=0.2)
        finally:
            held.set()
        mock.wait()


def test_reading_a_decorator_s_mock_says_how_to_keep_one():
    mock = LambdaMock()

    @mock
    def decorated() -> None:
        create()

    decorated()
    with pytest.raises(RuntimeError, match=r"never started \(used as a decorator.* a fresh mock for each call.*\): "
                                           r"start it with `with mock:`"):
        mock.invocations  # noqa: B018


def test_a_forked_child_gets_a_clear_error_not_a_false_timeout(tmp_path):
    with mock_lambda():
        create()
        client = boto3.client("lambda", region_name="us-east-1")
        client.invoke(FunctionName="f")  # a warm environment, whose thread stays in the parent
        reader, writer = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            try:
                client.invoke(FunctionName="f")
                message = "no error"
            except Exception as error:
                message = f"{type(error).__name__}: {error}"
            os.write(writer, message.encode())
            os._exit(0)
        os.close(writer)
        os.waitpid(child, 0)
        message = os.read(reader, 4096).decode()
        os.close(reader)
        assert message.startswith("MockStoppedError: lambdamock: Invoke was not sent: this process was forked")
        assert client.invoke(FunctionName="f")["StatusCode"] == 200, "the parent's mock goes on"


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_process_a_handler_forks_ends_when_it_returns_from_the_handler():
    # Only the forking thread lives on in the child, and no invocation will reach it: left to wait, it would
    # outlive the test run (and hold its output pipes open).
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="forks", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": "import os\ndef handler(e, c):\n"
                                                                    "    return os.fork()\n"})})
        child = json.loads(client.invoke(FunctionName="forks")["Payload"].read())
        deadline = time.monotonic() + 10
        while os.waitpid(child, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(child, 9)
                os.waitpid(child, 0)
                raise AssertionError("the forked child did not end")
            time.sleep(0.01)


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_process_a_handler_forks_exits_as_its_code_says():
    # os._exit in the child is the child's own end (multiprocessing ends its children so), not the function's.
    source = ("import multiprocessing, sys\n"
              "def work():\n    sys.exit(3)\n"
              "def handler(e, c):\n"
              "    child = multiprocessing.get_context('fork').Process(target=work)\n"
              "    child.start()\n    child.join(10)\n    return child.exitcode\n")
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="pool", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": source})})
        assert json.loads(client.invoke(FunctionName="pool")["Payload"].read()) == 3


_PRINTING = r"""
import os, sys, threading
sys.path.insert(0, os.getcwd())
import boto3
from lambdamock import mock_lambda, package
CODE = {"ZipFile": package({"app.py": "def handler(event, context):\n    return event\n"})}
stop = False
def printer():
    while not stop:
        print("x" * 50)
thread = threading.Thread(target=printer)
thread.start()
for _ in range(200):  # the streams are swapped as a handler first runs, and back as the mock stops
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="f", Runtime="python3.12", Handler="app.handler",
                               Role="arn:aws:iam::123456789012:role/r", Code=CODE)
        client.invoke(FunctionName="f")
stop = True
thread.join()
"""


def test_starting_and_stopping_while_another_thread_prints_is_safe():
    # print() uses sys.stdout without a reference of its own (CPython issue 130163): a stream swapped out of
    # sys.stdout and freed under it crashed the process (a segmentation fault, most runs).
    done = subprocess.run([sys.executable, "-c", _PRINTING], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-2000:]


@pytest.mark.parametrize(("options", "error"), [
    ({"account_id": "abc"}, ValueError),
    ({"concurrency_limit": "10"}, TypeError), ({"concurrency_limit": -5}, ValueError),
    ({"seed": [1, 2]}, TypeError), ({"trigger_permissions": "yes"}, TypeError),
    ({"endpoints": {"sqs": 5}}, TypeError), ({"endpoints": ["ab"]}, TypeError), ({"endpoints": "ab"}, TypeError),
    # A service lambdamock never calls, or no URL, would be ignored or fail only later (found in review: the
    # variable's name, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, invites "cloudwatch-logs", which boto3 calls "logs").
    ({"endpoints": {"cloudwatch-logs": "http://localhost:4566"}}, ValueError),
    ({"endpoints": {"logs": "localhost:4566"}}, ValueError),
    # An int is the wrong type, not the wrong length (found in review: ValueError "must be 12 digits").
    ({"account_id": 123456789012}, TypeError), ({"account_id": "12345"}, ValueError),
])
def test_options_that_would_fail_later_are_refused_as_the_mock_is_made(options, error):
    # Found in a first user's trial: concurrency_limit="10" failed only at the first call, deep in botocore.
    with pytest.raises(error):
        mock_lambda(**options)


def test_dir_lists_the_names_loaded_on_first_use():
    import lambdamock

    assert {"package", "Invocation", "LocalQueue", "mock_lambda"} <= set(dir(lambdamock))


def test_stopping_leaves_an_import_going_on_in_another_thread_whole():
    # The mock's distributions finder sits in sys.meta_path while functions run; taking it out of the list an
    # import in another thread was going through made that import skip the next finder (PathFinder: the import
    # failed).
    import threading

    class Pause:
        def __init__(self) -> None:
            self.inside, self.go = threading.Event(), threading.Event()

        def find_spec(self, name, path=None, target=None):
            if name == "colorsys":
                self.inside.set()
                self.go.wait(5)
            return None

    sys.modules.pop("colorsys", None)
    mock = mock_lambda().start()
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return 1\n"})})
    client.invoke(FunctionName="f")  # the runtime's hooks, the finder with them, come with the first environment
    pause = Pause()
    sys.meta_path.insert(next(n for n, finder in enumerate(sys.meta_path)
                              if getattr(finder, "__name__", "") == "PathFinder"), pause)
    imported = {}

    def importer() -> None:
        try:
            imported["module"] = __import__("colorsys").__name__
        except ImportError as error:
            imported["error"] = repr(error)

    thread = threading.Thread(target=importer)
    thread.start()
    try:
        assert pause.inside.wait(5)
        mock.stop()
    finally:
        pause.go.set()
        thread.join(5)
        sys.meta_path.remove(pause)
    assert imported == {"module": "colorsys"}


@pytest.mark.parametrize("kind", ["RequestResponse", "Event"])
def test_a_function_s_code_cannot_wait_for_or_start_mocks(lambda_mock: LambdaMock, kind: str) -> None:
    # Found in review: from an Event invocation, mock.wait() waited for its own invocation until the function timed
    # out; a mock started in a handler served the test's threads while the handler's calls still went to this one,
    # and what it made there stayed here. Both are refused where they are called.
    from tests.runtime import sync

    sync.calls["wait"] = lambda_mock.wait
    sync.calls["start"] = lambda: mock_lambda().start()
    source = ("from tests.runtime import sync\ndef handler(event, context):\n"
              "    try:\n        sync.calls[event]()\n    except RuntimeError as error:\n        return str(error)\n")
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source})})
    for call in ("wait", "start"):
        client.invoke(FunctionName="f", InvocationType=kind, Payload=json.dumps(call))
    lambda_mock.wait(timeout=10)
    assert sorted(run.result for run in lambda_mock.invocations) == [
        "lambdamock: a function's code cannot start a mock; do it from the test",
        "lambdamock: a function's code cannot wait for background invocations, which may include the caller's own; "
        "do it from the test",
    ]


def test_a_thread_a_stopped_mock_s_function_started_may_start_a_mock() -> None:
    # A worker of a pool the test owns, started by a handler's task, stays that function's (docs/limitations.md);
    # once that mock stopped, it is refused nothing (found in review: "a function's code cannot start a mock").
    from concurrent.futures import ThreadPoolExecutor

    from tests.runtime import sync

    with ThreadPoolExecutor(max_workers=1) as pool:
        sync.calls["pool"] = pool
        source = "from tests.runtime import sync\ndef handler(e, c):\n    return sync.calls['pool'].submit(int).result()\n"
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                   Code={"ZipFile": package({"app.py": source})})
            assert json.loads(client.invoke(FunctionName="f")["Payload"].read()) == 0

        def later() -> bool:
            with mock_lambda() as started:
                return started.started

        assert pool.submit(later).result(timeout=10)


"""The three ways to activate lambdamock, and fresh state for each activation."""

from __future__ import annotations

import asyncio
import io
import json
import os
import unittest
import unittest.mock

import boto3
import pytest

from lambdamock import LambdaMock, _active, mock_lambda, package
from tests.helpers import ROLE
from tests.lifecycle_helpers import create, names


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

    def testNamedWithoutAnUnderscore(self):  # "test" and no underscore: the prefix is what counts
        # docs/unittest.md: on a class that is not a TestCase, "each `test*` method" runs in a fresh mock of its own.
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


@mock_lambda
class TestXunitSetupUnderAnotherDecorator:
    # Found migrating from moto: a setup_method under a decorator taking *args (mock.patch's, moto's mock_aws) is
    # given the test function by pytest; under @mock_lambda it got self alone ("missing ... argument: 'method'").
    @unittest.mock.patch.dict(os.environ, {"STAGE": "test"})
    def setup_method(self, method):
        create()
        self.seen = (os.environ["STAGE"], method.__name__)

    def test_setup_method_gets_the_test_function(self):
        assert (names(), self.seen) == (["f"], ("test", "test_setup_method_gets_the_test_function"))


@mock_lambda
class TestXunitTeardownAlone:
    def teardown_method(self):
        # moto's class decorator mocks a teardown_method (tests/test_core/test_decorator_calls.py's classes):
        # a cleanup loop run unmocked would list, and delete, the real account's functions.
        assert _active.current() is not None
        client = boto3.client("lambda", region_name="us-east-1")
        for function in client.list_functions()["Functions"]:
            client.delete_function(FunctionName=function["FunctionName"])

    def test_teardown_method_is_served(self):
        create()


@mock_lambda
class TestWithNestedClasses:
    """moto's class decorator decorates the classes defined in it (its test_decorator_calls.py, TestWithNestedClasses);
    pytest collects them, and they ran unmocked."""

    class TestNested:
        def test_a_nested_class_is_mocked(self):
            assert _active.current() is not None
            create()
            assert names() == ["f"]

    class NestedCase(unittest.TestCase):
        def test_a_nested_testcase_is_mocked(self):
            self.assertIsNotNone(_active.current())
            self.assertEqual(names(), [])


def test_a_decorated_xunit_class_stops_its_mock_after_teardown_and_after_a_failing_setup() -> None:
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


def test_nested_mocks_stack_and_the_innermost_active_one_serves():
    # docs/activation.md: "Nested mocks stack: the innermost one serves."
    with mock_lambda():
        create("outer")
        with mock_lambda():
            create("inner")
            assert names() == ["inner"]
        assert names() == ["outer"]


def test_a_mock_stopped_out_of_order_leaves_the_innermost_active_one_serving():
    # docs/activation.md: nested mocks stack and the innermost one serves, so stopping an outer one changes nothing.
    outer, middle, inner = mock_lambda().start(), mock_lambda().start(), mock_lambda().start()
    try:
        create("inner")
        middle.stop()
        assert names() == ["inner"]
        inner.stop()
        create("outer")
        assert names() == ["outer"]
    finally:
        for mock in (inner, middle, outer):
            if mock.started:
                mock.stop()


LISTER = """
import os, time
import boto3

def handler(event, context):
    deadline = time.monotonic() + 30
    while not os.path.exists(event["flag"]) and time.monotonic() < deadline:
        time.sleep(0.01)
    client = boto3.client("lambda", region_name="us-east-1")
    return [function["FunctionName"] for function in client.list_functions()["Functions"]]
"""


def test_a_handler_s_calls_go_to_the_mock_running_it_even_with_another_nested_inside(tmp_path):
    # docs/activation.md: "threads a mock started, its handlers' included, always go to that mock".
    flag = tmp_path / "go"
    with mock_lambda() as outer:
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="lister", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": LISTER})})
        client.invoke(FunctionName="lister", InvocationType="Event", Payload=json.dumps({"flag": str(flag)}))
        with mock_lambda():
            create("inner")
            flag.touch()
            outer.wait()
            assert names() == ["inner"]
        assert [run.result for run in outer.invocations] == [["lister"]]


def test_fixture(lambda_mock):
    assert lambda_mock.started
    create()
    assert names() == ["f"]


def test_state_outside_activation_raises():
    with pytest.raises(RuntimeError):
        mock_lambda().state  # noqa: B018


def test_reading_a_decorator_s_mock_says_how_to_keep_one():
    mock = LambdaMock()

    @mock
    def decorated() -> None:
        create()

    decorated()
    with pytest.raises(RuntimeError, match=r"never started \(used as a decorator.* a fresh mock for each call.*\): "
                                           r"start it with `with mock:`"):
        mock.invocations  # noqa: B018


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

"""The pytest plugin, tested as its users meet it: in a pytest run of their own (pytester)."""

from __future__ import annotations

import pytest

from tests.helpers import modeled

pytest_plugins = ["pytester"]

CREATE = '''
import boto3
from lambdamock import package

def create(name="f"):
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName=name, Runtime="python3.12", Role="arn:aws:iam::123456789012:role/r",
                           Handler="app.handler", Code={"ZipFile": package({"app.py": "def handler(e, c):\\n    return e\\n"})})
    return client
'''


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.lambda_mock(**options): options for the lambda_mock fixture*"])


def test_the_marker_configures_the_fixture_on_a_test_a_class_and_a_module(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(CREATE + '''
import pytest

pytestmark = pytest.mark.lambda_mock(account_id="210987654321", concurrency_limit=50)

def test_module_level(lambda_mock):
    assert create().get_function(FunctionName="f")["Configuration"]["FunctionArn"].split(":")[4] == "210987654321"
    assert lambda_mock.concurrency_limit == 50

@pytest.mark.lambda_mock(seed=7)
def test_closest_marker_adds_and_overrides(lambda_mock):
    assert (lambda_mock.seed, lambda_mock.account_id, lambda_mock.concurrency_limit) == (7, "210987654321", 50)

@pytest.mark.lambda_mock(concurrency_limit=200)
class TestClass:
    def test_class_level(self, lambda_mock):
        assert lambda_mock.concurrency_limit == 200

    @pytest.mark.lambda_mock(concurrency_limit=300)
    def test_method_level(self, lambda_mock):
        assert lambda_mock.concurrency_limit == 300
''')
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=4)


def test_a_marked_test_that_does_not_ask_for_the_fixture_runs_in_its_mock(pytester: pytest.Pytester) -> None:
    # Found in a first user's trial: the marker alone started no mock, and the test's calls went to AWS.
    pytester.makepyfile(CREATE + '''
import pytest
from lambdamock._active import current

@pytest.mark.lambda_mock(seed=1)
def test_marked():
    assert current() is not None
    assert create().get_function(FunctionName="f")["Configuration"]["FunctionName"] == "f"

def test_unmarked():
    assert current() is None
''')
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_a_marked_test_served_by_a_mock_of_its_own_fixtures_keeps_it(pytester: pytest.Pytester) -> None:
    # Found in review: a module-wide marker must not hide the mock a module fixture deployed into.
    pytester.makepyfile(CREATE + '''
import pytest
from lambdamock import mock_lambda

pytestmark = pytest.mark.lambda_mock(seed=7)

@pytest.fixture(scope="module")
def shared():
    with mock_lambda():
        yield create("shared")

def test_uses_the_module_s_mock(shared):
    assert shared.get_function(FunctionName="shared")["Configuration"]["FunctionName"] == "shared"
''')
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_defaults_come_from_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nlambda_mock_account_id = 111122223333\nlambda_mock_seed = 3\n")
    pytester.makepyfile('''
def test_defaults(lambda_mock):
    assert (lambda_mock.account_id, lambda_mock.seed) == ("111122223333", 3)
''')
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_every_ini_default_the_docs_name_reaches_the_fixture(pytester: pytest.Pytester) -> None:
    # docs/pytest.md: project-wide defaults are lambda_mock_account_id, lambda_mock_seed,
    # lambda_mock_concurrency_limit, lambda_mock_trigger_permissions and lambda_mock_allow_unserved.
    pytester.makeini("[pytest]\nlambda_mock_concurrency_limit = 50\nlambda_mock_trigger_permissions = false\n")
    pytester.makepyfile('''
def test_defaults(lambda_mock):
    assert (lambda_mock.concurrency_limit, lambda_mock.trigger_permissions) == (50, False)
''')
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_bad_marker_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile('''
import pytest

@pytest.mark.lambda_mock(sede=7)
def test_typo(lambda_mock):
    pass
''')
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*@pytest.mark.lambda_mock*sede*"])
    assert result.ret != 0


UNSERVED = '''
import pytest

def swallowing_code_under_test(client):
    try:  # a durable execution: one of the calls lambdamock refuses (NotServedError)
        client.invoke(FunctionName="f", DurableExecutionName="run-1", Payload=b"{}")
    except Exception:
        return None

MARKER
def test_swallows(lambda_mock):
    swallowing_code_under_test(create())
    assert [call.operation for call in lambda_mock.unserved] == ["Invoke"]
'''


@modeled("Invoke", "DurableExecutionName")
def test_unserved_calls_fail_the_test_at_teardown_even_when_swallowed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(CREATE + UNSERVED.replace("MARKER", ""))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*lambdamock does not serve: Invoke (API 2015-03-31)*"])


@modeled("Invoke", "DurableExecutionName")
def test_allow_unserved_opts_out(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(CREATE + UNSERVED.replace("MARKER", "@pytest.mark.lambda_mock(allow_unserved=True)"))
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_allow_unserved_takes_true_or_false_only(pytester: pytest.Pytester) -> None:
    # Found in review: any truthy value opted out, "false" among them.
    pytester.makepyfile(CREATE + UNSERVED.replace("MARKER", '@pytest.mark.lambda_mock(allow_unserved="false")'))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*allow_unserved must be True or False: 'false'*"])
    assert result.ret != 0


@modeled("Invoke", "DurableExecutionName")
def test_allow_unserved_can_be_a_project_wide_default(pytester: pytest.Pytester) -> None:
    # docs/pytest.md names lambda_mock_allow_unserved among the ini defaults.
    pytester.makeini("[pytest]\nlambda_mock_allow_unserved = true\n")
    pytester.makepyfile(CREATE + UNSERVED.replace("MARKER", ""))
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_fixture_gives_each_test_fresh_state(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(CREATE + '''
def test_one(lambda_mock):
    create()

def test_two(lambda_mock):
    import boto3
    assert boto3.client("lambda", region_name="us-east-1").list_functions()["Functions"] == []
''')
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_an_ini_default_that_cannot_be_read_names_its_setting(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nlambda_mock_trigger_permissions = ture\n")
    pytester.makepyfile("def test_any(lambda_mock):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*UsageError: lambda_mock_trigger_permissions = ture: expected true or false*"])


def test_a_test_may_stop_the_fixture_s_mock_itself(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_stops(lambda_mock):\n    lambda_mock.stop()\n    assert not lambda_mock.started\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_decorator_s_mock_serves_a_test_that_also_has_the_fixture_or_the_marker(pytester: pytest.Pytester) -> None:
    # docs/pytest.md: "the decorator's mock starts inside the fixture's and, being the innermost, serves every
    # call"; a marker starts the fixture's mock too, and its options do not reach the decorator's.
    pytester.makepyfile(CREATE + '''
import pytest
from lambdamock import mock_lambda

@mock_lambda
def test_both(lambda_mock):
    create()
    assert lambda_mock.state.region("us-east-1").functions == {}

@pytest.mark.lambda_mock(account_id="210987654321")
@mock_lambda
def test_marked(lambda_mock):
    arn = create().get_function(FunctionName="f")["Configuration"]["FunctionArn"]
    assert ":123456789012:" in arn and lambda_mock.account_id == "210987654321"
''')
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_a_failing_test_leaves_nothing_for_the_next(pytester: pytest.Pytester) -> None:
    # docs/pytest.md: "each test starts with an empty Lambda service and leaves nothing behind", failing or not.
    pytester.makepyfile(CREATE + '''
import boto3
from lambdamock import mock_lambda

def listed():
    return boto3.client("lambda", region_name="us-east-1").list_functions()["Functions"]

def test_fails_with_the_fixture(lambda_mock):
    create()
    raise AssertionError("fails")

@mock_lambda
class TestFailsInAClass:
    def setup_method(self):
        create()

    def test_fails(self):
        raise AssertionError("fails")

@mock_lambda
def test_fails_decorated():
    assert listed() == []
    create()
    raise AssertionError("fails")

def test_next(lambda_mock):
    assert listed() == []
''')
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1, failed=3)

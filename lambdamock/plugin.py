"""The pytest plugin: the ``lambda_mock`` fixture, configured by the ``lambda_mock`` marker and ini defaults."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from lambdamock import _active
from lambdamock._mock import LambdaMock

MARKER = (
    "lambda_mock(**options): options for the lambda_mock fixture — any mock_lambda option (account_id, "
    "concurrency_limit, seed, endpoints, trigger_permissions) and allow_unserved=True; on a test, a class or a module (pytestmark)"
)


def _flag(text: str) -> bool:
    word = text.strip().lower()
    if word not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        raise ValueError(f"expected true or false, not {text!r}")
    return word in ("1", "true", "yes", "on")


# The defaults a project can set in [tool.pytest.ini_options]: ini name -> (help, converter).
_INI: dict[str, tuple[str, Callable[[str], Any]]] = {
    "lambda_mock_account_id": ("default account_id of the lambda_mock fixture", str),
    "lambda_mock_concurrency_limit": ("default concurrency_limit of the lambda_mock fixture", int),
    "lambda_mock_seed": ("default seed of the lambda_mock fixture", int),
    "lambda_mock_allow_unserved": ("let tests pass that made calls lambdamock does not serve (true/false)", _flag),
    "lambda_mock_trigger_permissions": (
        "whether SNS, S3 and EventBridge need the function's resource policy to invoke it (true/false)", _flag),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    for name, (text, _) in _INI.items():
        parser.addini(name, text, default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The ini defaults, overridden by markers from the module down to the test (the closest wins)."""
    options: dict[str, Any] = {}
    for name, (_, convert) in _INI.items():
        value = request.config.getini(name)
        if value:
            try:
                options[name[len("lambda_mock_"):]] = convert(value)
            except ValueError as error:
                raise pytest.UsageError(f"{name} = {value}: {error}") from None
    for marker in reversed(list(request.node.iter_markers("lambda_mock"))):
        if marker.args:
            raise pytest.UsageError("@pytest.mark.lambda_mock takes keyword options only, e.g. seed=7")
        options.update(marker.kwargs)
    return options


@pytest.fixture(autouse=True)
def _lambda_mock_marked(request: pytest.FixtureRequest) -> None:
    """A test the marker applies to runs in the fixture's mock, asked for or not, unless a mock of its own fixtures
    is active: one that forgot to ask for the fixture must not reach AWS."""
    if ("lambda_mock" not in request.fixturenames and request.node.get_closest_marker("lambda_mock") is not None
            and _active.current() is None):  # a mock the test's own fixtures started serves it instead
        request.getfixturevalue("lambda_mock")


@pytest.fixture
def lambda_mock(request: pytest.FixtureRequest) -> Iterator[LambdaMock]:
    """A started LambdaMock with empty state, stopped after the test.

    The test fails at teardown if it made calls lambdamock does not serve (NotServedError), even
    when the code under test swallowed them, unless ``allow_unserved=True``.
    """
    options = _options(request)
    allow_unserved = options.pop("allow_unserved", False)
    if not isinstance(allow_unserved, bool):  # "false" would be taken for True
        raise pytest.UsageError(f"@pytest.mark.lambda_mock: allow_unserved must be True or False: {allow_unserved!r}")
    try:
        mock = LambdaMock(**options)
    except (TypeError, ValueError) as error:
        raise pytest.UsageError(f"@pytest.mark.lambda_mock: {error}") from None
    mock.start()
    try:
        yield mock
    finally:
        if mock.started:  # the test may have stopped it itself
            mock.stop()
    if mock.unserved and not allow_unserved:
        calls = ", ".join(f"{call.operation} (API {call.api_version})" for call in mock.unserved)
        pytest.fail(
            f"lambdamock does not serve: {calls}. The code under test got NotServedError for these calls; "
            "mark the test @pytest.mark.lambda_mock(allow_unserved=True) if that is expected.",
            pytrace=False,
        )

"""Tools that wrap the runtime interface client (Sentry's AwsLambdaIntegration) find it where AWS's Python runtime has
it, and every invocation and init error passes through what they put in place.

AWS: the runtime's /var/runtime/bootstrap.py imports awslambdaric.__main__ as ``awslambdaricmain``;
awslambdaric/bootstrap.py (aws/aws-lambda-python-runtime-interface-client) runs each invocation in
handle_event_request(lambda_runtime_client, request_handler, invoke_id, event_body, content_type, client_context_json,
cognito_identity_json, invoked_function_arn, epoch_deadline_time_in_ms, tenant_id, log_sink), which posts the result
or the error object (as JSON) through LambdaRuntimeClient.post_invocation_result / post_invocation_error; an init
error is posted with post_init_error(error object) after the runtime handled it, a SnapStart hook's error while
bootstrap.on_init_complete handles it (report_restore_error; post_init_error with Runtime.BeforeSnapshotError).
"""

from __future__ import annotations

import base64
import json
import sys
import time

import boto3
import pytest

from lambdamock import mock_lambda, package
from lambdamock.runtime import ric
from tests.helpers import ROLE

# A tool as Sentry's integration is: it finds the bootstrap at import, wraps the handler it is given and the posts.
TOOL = """
import sys

seen = []
bootstrap = sys.modules["__main__"].awslambdaricmain.bootstrap
original = bootstrap.handle_event_request

def handle_event_request(client, request_handler, *args):
    invoke_id, event_body, _, client_context_json, _, arn, deadline_ms, _, _ = args
    seen.append(["request", invoke_id, event_body.decode(), client_context_json, arn, deadline_ms])
    def handler(event, context):
        try:
            return request_handler(event, context)
        except Exception as error:
            seen.append(["raised", type(error).__name__])
            raise
    return original(client, handler, *args)

def wrap(name):
    posted = getattr(bootstrap.LambdaRuntimeClient, name)
    def post(self, *args):
        seen.append([name, sys.exc_info()[0] is None, *[a if isinstance(a, (str, dict)) else a.decode() for a in args]])
        return posted(self, *args)
    setattr(bootstrap.LambdaRuntimeClient, name, post)

bootstrap.handle_event_request = handle_event_request
for name in ("post_invocation_result", "post_invocation_error", "post_init_error", "report_restore_error"):
    wrap(name)
"""
APP = """
import tool

def handler(event, context):
    if event.get("fail"):
        raise ValueError("no")
    return {"seen": tool.seen}
"""


@pytest.fixture
def client():
    originals = ric.names()
    with mock_lambda():
        yield boto3.client("lambda", region_name="us-east-1")
    # What a tool in a function's code put in place ends with the mock, as its process ends on AWS.
    assert ric.names() == originals


def _create(client, files):
    return client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                  Code={"ZipFile": package(files)})["FunctionArn"]


def test_invocations_pass_through_what_a_tool_put_in_place(client):
    arn = _create(client, {"app.py": APP, "tool.py": TOOL})
    context = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    failed = client.invoke(FunctionName="f", Payload=b'{"fail": true}', ClientContext=context)
    assert failed["FunctionError"] == "Unhandled"
    error = failed["Payload"].read()
    before = time.time() * 1000
    response = client.invoke(FunctionName="f", Payload=b'{"n": 1}')
    seen = json.loads(response["Payload"].read())["seen"]
    first, second = failed["ResponseMetadata"]["RequestId"], response["ResponseMetadata"]["RequestId"]
    assert seen[:3] == [
        ["request", first, '{"fail": true}', '{"custom": {"k": "v"}}', arn, seen[0][5]],
        ["raised", "ValueError"],
        ["post_invocation_error", True, first, error.decode(), ""],
    ]
    assert seen[3][:5] == ["request", second, '{"n": 1}', None, arn]
    # The deadline is the epoch time in milliseconds at which the function's timeout (3 s) ends.
    assert before + 2000 < seen[3][5] <= time.time() * 1000 + 3000
    # The result is posted after the handler returned, so it is not in what the handler returned.
    assert len(seen) == 4


def test_an_init_error_is_posted_with_its_error_object(client):
    # The tool records the post in a module of the test process's, as Sentry's capture sends an event out.
    recorder = "import tool, __main__\n__main__.lambdamock_posted = tool.seen\nraise RuntimeError('at init')\n"
    _create(client, {"app.py": recorder, "tool.py": TOOL})
    main = sys.modules["__main__"]
    try:
        error = json.loads(client.invoke(FunctionName="f")["Payload"].read())
        assert main.lambdamock_posted == [["post_init_error", True, error]]
    finally:
        del main.lambdamock_posted
    assert error["errorType"] == "RuntimeError"


@pytest.mark.parametrize("side", ["before_snapshot", "after_restore"])
def test_a_failed_snapstart_hook_is_posted_while_it_is_handled(client, side):
    # awslambdaric's bootstrap.on_init_complete posts a hook's error in its except: block: an after-restore hook's
    # with report_restore_error, a before-snapshot hook's with post_init_error and the type Runtime.BeforeSnapshotError.
    recorder = ("import tool, __main__\n__main__.lambdamock_posted = tool.seen\n"
                f"from snapshot_restore_py import register_{side}\n"
                "def broken():\n    raise RuntimeError('hook')\n"
                f"register_{side}(broken)\n"
                "def handler(event, context):\n    return 1\n")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": recorder, "tool.py": TOOL})},
                           SnapStart={"ApplyOn": "PublishedVersions"}, Publish=True)
    main = sys.modules["__main__"]
    try:
        if side == "after_restore":
            with pytest.raises(client.exceptions.SnapStartException):
                client.invoke(FunctionName="f", Qualifier="1")
        else:  # on AWS, the publication fails; here the environment's start (see docs/limitations.md)
            assert client.invoke(FunctionName="f", Qualifier="1")["FunctionError"] == "Unhandled"
        [[name, after_handling, error, *override]] = main.lambdamock_posted
    finally:
        del main.lambdamock_posted
    assert (after_handling, error["errorType"], error["errorMessage"]) == (False, "RuntimeError", "hook")
    assert (name, override) == (("report_restore_error", []) if side == "after_restore" else
                                ("post_init_error", ["Runtime.BeforeSnapshotError"]))


@pytest.mark.parametrize("side", ["before_snapshot", "after_restore"])
def test_a_replacement_of_a_hook_s_post_that_fails_ends_the_runtime(side):
    # The runtime posts a hook's error in on_init_complete's except: block, which nothing around handles: the
    # replacement's exception ends the process (exit status 1), once, without the init warning.
    failing = ("import sys\nbootstrap = sys.modules['__main__'].awslambdaricmain.bootstrap\n"
               "def post(self, *args):\n    raise RuntimeError('tool bug')\n"
               f"bootstrap.LambdaRuntimeClient.{'report_restore_error' if side == 'after_restore' else 'post_init_error'}"
               " = post\n")
    app = ("import tool\n"
           f"from snapshot_restore_py import register_{side}\n"
           "def broken():\n    raise ValueError('hook')\n"
           f"register_{side}(broken)\n"
           "def handler(event, context):\n    return 1\n")
    with mock_lambda() as mock:
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": app, "tool.py": failing})},
                               SnapStart={"ApplyOn": "PublishedVersions"}, Publish=True)
        if side == "after_restore":
            with pytest.raises(client.exceptions.SnapStartException):
                client.invoke(FunctionName="f", Qualifier="1")
        else:
            response = client.invoke(FunctionName="f", Qualifier="1")
            assert json.loads(response["Payload"].read())["errorType"] == "Runtime.ExitError"
        log = mock.invocations[-1].log
    assert log.count("RuntimeError: tool bug") == 1 and "LAMBDA_WARNING" not in log
    assert "Error Type: Runtime.ExitError" in log


def test_a_replacement_that_fails_ends_the_runtime(client):
    # An exception out of handle_event_request is one the runtime's loop does not handle: its process ends.
    broken = ("import sys\n"
              "def fail(*args):\n    raise RuntimeError('tool bug')\n"
              "sys.modules['__main__'].awslambdaricmain.bootstrap.handle_event_request = fail\n"
              "def handler(event, context):\n    return 1\n")
    _create(client, {"app.py": broken})
    response = client.invoke(FunctionName="f", LogType="Tail")
    error = json.loads(response["Payload"].read())
    assert (response["FunctionError"], error["errorType"]) == ("Unhandled", "Runtime.ExitError")
    assert "RuntimeError: tool bug\n" in base64.b64decode(response["LogResult"]).decode()  # as Python reports it


def test_a_process_that_ends_once_the_result_is_posted_keeps_the_answer(client):
    # awslambdaric bootstrap.py: handle_event_request posts the result (LambdaRuntimeClient.post_invocation_result,
    # the Runtime API's /response, which answers the invocation); a process that ends after that changes no answer.
    ending = ("import os, sys\n"
              "bootstrap = sys.modules['__main__'].awslambdaricmain.bootstrap\n"
              "original = bootstrap.handle_event_request\n"
              "def handle_event_request(*args):\n    original(*args)\n    os._exit(3)\n"
              "bootstrap.handle_event_request = handle_event_request\n"
              "def handler(event, context):\n    return 'answered'\n")
    _create(client, {"app.py": ending})
    response = client.invoke(FunctionName="f")
    assert "FunctionError" not in response
    assert json.loads(response["Payload"].read()) == "answered"


def test_the_runtime_is_found_while_a_mock_runs_functions():
    main = sys.modules["__main__"]
    assert not hasattr(main, "awslambdaricmain")
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        _create(client, {"app.py": "def handler(event, context):\n    return 1\n"})
        client.invoke(FunctionName="f")
        assert main.awslambdaricmain.bootstrap is ric
        assert main.awslambdaricmain.LambdaRuntimeClient is ric.LambdaRuntimeClient
    assert not hasattr(main, "awslambdaricmain")


def test_a_tool_in_a_function_s_code_wraps_no_later_mock_s_invocations():
    wrapping = ("import sys\n"
                "bootstrap = sys.modules['__main__'].awslambdaricmain.bootstrap\n"
                "wrapped = bootstrap.handle_event_request\n"
                "def handle_event_request(*args):\n"
                "    print('wrapped by', __file__.split('/')[-1])\n"
                "    return wrapped(*args)\n"
                "bootstrap.handle_event_request = handle_event_request\n"
                "def handler(event, context):\n    return 1\n")
    original = ric.handle_event_request
    for _ in range(2):  # a fresh mock per test, as the pytest fixture gives
        with mock_lambda() as mock:
            _create(boto3.client("lambda", region_name="us-east-1"), {"app.py": wrapping})
            boto3.client("lambda", region_name="us-east-1").invoke(FunctionName="f")
            assert mock.invocations[-1].log.count("wrapped by app.py") == 1
    assert ric.handle_event_request is original


def test_a_tool_of_the_test_process_s_stays_in_place(monkeypatch):
    # Sentry installed in the test environment wraps once per process (setup_once): its wrapper must stay.
    original = ric.handle_event_request
    calls = []

    def handle_event_request(*args):
        calls.append(args[2])
        return original(*args)

    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        _create(client, {"app.py": "def handler(event, context):\n    return 1\n"})
        client.invoke(FunctionName="f")  # the runtime is where tools find it from the first invocation on
        monkeypatch.setattr(sys.modules["__main__"].awslambdaricmain.bootstrap, "handle_event_request",
                            handle_event_request)
        client.invoke(FunctionName="f")
    assert ric.handle_event_request is handle_event_request
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        _create(client, {"app.py": "def handler(event, context):\n    return 1\n"})
        request_id = client.invoke(FunctionName="f")["ResponseMetadata"]["RequestId"]
    assert calls[-1] == request_id and len(calls) == 2

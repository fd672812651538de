"""Invoke's timeouts through boto3: answered on time, the handler stopped, and a call whose caller went away."""

from __future__ import annotations

import json
import threading
import time

import boto3
import pytest

from lambdamock import mock_lambda
from tests.helpers import moto_aws, wait_until
from tests.invoke_helpers import ECHO, call, deploy

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.invoke_helpers import client as client
from tests.invoke_helpers import mock as mock
from tests.runtime import sync


def test_timeout_is_answered_on_time(client, mock):
    deploy(client, "slow", {"app.py": "import time\ndef handler(e, c):\n    time.sleep(60)\n"}, Timeout=1)
    response = call(client, "slow")
    assert response["FunctionError"] == "Unhandled"
    assert response["Body"] == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {response['ResponseMetadata']['RequestId']} Error: Task timed out after 1.00 seconds",
    }
    assert mock.invocations[-1].timed_out


def test_a_timeout_is_logged_by_the_report_s_status_alone(client, mock):
    # Captured on AWS: since 2025 a timed-out invocation writes no "Task timed out after ..." line (DataBiosphere/azul
    # #8140, whose CloudWatch query for that text found nothing in 2026); its REPORT ends "\tStatus: timeout\n"
    # (azul #6323: "Duration: 31000.00 ms\t...\tInit Duration: 2189.80 ms\tStatus: timeout\n").
    deploy(client, "slow", {"app.py": "import time\ndef handler(e, c):\n    print('working')\n    time.sleep(60)\n"},
           Timeout=1)
    call(client, "slow")
    messages = [message for _, message in mock.invocations[-1].log_events]
    assert not any("timed out" in message for message in messages)
    assert [message.split(" ")[0] for message in messages] == ["INIT_START", "START", "working\n", "END", "REPORT"]
    assert messages[-1].startswith("REPORT RequestId: ") and messages[-1].endswith("\tStatus: timeout\n")


def test_what_a_timed_out_handler_does_afterwards_reaches_no_service(client, mock):
    # On AWS the environment is stopped at the timeout: a `finally` never runs. Here the sleeping handler is woken to
    # end its thread, and the calls its `finally` makes fail before they reach any service (found running
    # sentry-python's Lambda suite, whose flush ran after the answer).
    slow = ("import time, boto3\ndef handler(e, c):\n    try:\n        time.sleep(60)\n    finally:\n"
            "        boto3.client('lambda', region_name='us-east-1').invoke(FunctionName='marker')\n")
    deploy(client, "marker", {"app.py": ECHO})
    deploy(client, "slow", {"app.py": slow}, Timeout=1)
    assert call(client, "slow")["Body"]["errorType"] == "Sandbox.Timedout"
    wait_until(lambda: not [t for t in threading.enumerate() if t.name.startswith("lambdamock:slow:")])
    mock.wait()
    assert [run.function_name for run in mock.invocations] == ["slow"]


def test_lambdamock_s_threads_that_a_handler_starts_are_not_its_own():
    # The Event worker starts at the first Event invoke, here made by a handler that then times out: the worker must
    # not belong to that handler's environment, whose AWS calls fail after its timeout (found in review). Its own
    # call here is the on-success destination's, to moto's SQS.
    slow = ("import time, boto3\ndef handler(e, c):\n"
            "    boto3.client('lambda', region_name='us-east-1').invoke(FunctionName='echo', InvocationType='Event')\n"
            "    time.sleep(60)\n")
    with moto_aws(), mock_lambda() as mock:
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="done")["QueueUrl"]
        queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        client = boto3.client("lambda", region_name="us-east-1")
        deploy(client, "echo", {"app.py": ECHO})
        client.put_function_event_invoke_config(FunctionName="echo", DestinationConfig={"OnSuccess": {
            "Destination": queue}})
        deploy(client, "slow", {"app.py": slow}, Timeout=1)
        assert call(client, "slow")["Body"]["errorType"] == "Sandbox.Timedout"
        mock.wait(timeout=10)
        client.invoke(FunctionName="echo", InvocationType="Event", Payload=b'{"after": 1}')
        mock.wait(timeout=10)  # raises TimeoutError if the Event worker is gone
        bodies = [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    assert sorted(json.dumps(body["responsePayload"]) for body in bodies) == ['{"after": 1}', "{}"]


def deploy_nested(client, outer_timeout: int) -> threading.Event:
    """"outer", whose handler invokes "inner" and answers its StatusCode, and "inner", which answers "inner done" once
    the event returned is set."""
    sync.events["inner-release"] = release = threading.Event()
    inner = "from tests.runtime import sync\ndef handler(e, c):\n    sync.events['inner-release'].wait(20)\n    return 'inner done'\n"
    outer = ("import boto3\ndef handler(e, c):\n"
             "    return boto3.client('lambda', region_name='us-east-1').invoke(FunctionName='inner')['StatusCode']\n")
    deploy(client, "inner", {"app.py": inner}, Timeout=30)
    deploy(client, "outer", {"app.py": outer}, Timeout=outer_timeout)
    return release


def test_an_invocation_whose_caller_timed_out_runs_on_to_its_end(client, mock):
    # Lambda keeps running a function whose synchronous caller went away: it holds its concurrency
    # until it ends, and its outcome is recorded then.
    release = deploy_nested(client, outer_timeout=1)
    try:
        assert call(client, "outer")["Body"]["errorType"] == "Sandbox.Timedout"
        assert mock.concurrency("inner").current == 1
        # mock.wait() waits for it, begun at once (found in review: it returned while "inner" still ran).
        threading.Timer(0.3, release.set).start()
        mock.wait(timeout=20)
    finally:
        release.set()
    assert mock.concurrency("inner").current == 0
    assert [(run.function_name, run.result) for run in mock.invocations if run.function_name == "inner"] == [
        ("inner", "inner done")]


def test_wait_does_not_wait_for_a_call_whose_caller_still_waits_on_it(client, mock):
    # A synchronous call a handler makes is its caller's to wait for, as the test's own synchronous call is, until
    # that caller is given up on (the test above). Found in review of the first version, which counted every call.
    release = deploy_nested(client, outer_timeout=30)
    answers = []
    caller = threading.Thread(target=lambda: answers.append(call(client, "outer")["Body"]))
    caller.start()
    try:
        wait_until(lambda: mock.concurrency("inner").current == 1, timeout=20)
        mock.wait(timeout=5)  # returns: nothing runs in the background
    finally:
        release.set()
        caller.join(20)
    assert answers == [200]


def test_an_invoke_outliving_the_client_s_read_timeout_raises_it_and_botocore_invokes_again(mock):
    # On AWS Lambda sends nothing until the function answers, so a client whose read_timeout is shorter than the
    # function's run raises ReadTimeoutError, and botocore retries it, invoking the function again each time
    # (boto/boto3#883: four invocations after 60 s read timeouts; #1104; AWS knowledge center
    # "lambda-function-retry-timeout-sdk"). The invocations run on without their caller.
    from botocore.config import Config
    from botocore.exceptions import ReadTimeoutError

    lam = boto3.client("lambda", region_name="us-east-1", config=Config(read_timeout=1, connect_timeout=1,
                                                                        retries={"total_max_attempts": 2}))
    deploy(lam, "slow", {"app.py": "import time\ndef handler(e, c):\n    time.sleep(2)\n    return 'done'\n"},
           Timeout=5)
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError, match="/2015-03-31/functions/slow/invocations"):
        lam.invoke(FunctionName="slow")
    assert time.monotonic() - started < 4.5  # two reads of 1 s, and botocore's back-off between them
    mock.wait(timeout=10)
    assert [run.result for run in mock.invocations] == ["done", "done"]

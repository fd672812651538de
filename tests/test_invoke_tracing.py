"""X-Ray trace headers through Invoke: none at init, a caller's trace carried on, PassThrough and Active sampling."""

from __future__ import annotations

import re

import boto3

from lambdamock import mock_lambda
from tests.invoke_helpers import call, deploy

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.invoke_helpers import client as client
from tests.invoke_helpers import mock as mock

TRACES = (
    "import json, os\n"
    "import boto3\n"
    "AT_INIT = str(os.environ.get('_X_AMZN_TRACE_ID'))\n"
    "def handler(event, context):\n"
    "    if event.get('call'):\n"
    "        answer = boto3.client('lambda').invoke(FunctionName=event['call'])\n"
    "        return [os.environ['_X_AMZN_TRACE_ID'], json.loads(answer['Payload'].read())[1]]\n"
    "    return [AT_INIT, os.environ['_X_AMZN_TRACE_ID']]\n"
)
# Parent and Sampled only once the trace is decided (see test_pass_through_leaves_a_new_trace_undecided).
TRACE = re.compile(r"Root=(1-[0-9a-f]{8}-[0-9a-f]{24})(?:;Parent=([0-9a-f]{16});Sampled=([01]))?(;Lineage=.*)?")


def test_each_invocation_has_a_trace_header_and_init_has_none(client):
    # Recorded (validated against AWS): LocalStack test_lambda_integration_xray.py::test_traceid_outside_handler.
    deploy(client, "t", {"app.py": TRACES})
    (init_1, first), (init_2, second) = call(client, "t")["Body"], call(client, "t")["Body"]
    assert init_1 == init_2 == "None"
    assert TRACE.fullmatch(first) and TRACE.fullmatch(second) and first != second


def test_an_invocation_continues_its_callers_trace(client):
    # Recorded (validated against AWS): test_lambda_integration_xray.py::test_xray_trace_propagation, the
    # handler's trace has the root of the X-Amzn-Trace-Id the caller sent, added by a before-send handler.
    deploy(client, "t", {"app.py": TRACES})
    root = "1-3152b799-8954dae64eda91bc9a23a7e8"

    def traced(request, **_):
        request.headers["X-Amzn-Trace-Id"] = f"Root={root};Parent=7fa8c0f79203be72;Sampled=1"

    client.meta.events.register("before-send.lambda.*", traced)
    found = TRACE.fullmatch(call(client, "t")["Body"][1])
    assert found and (found[1], found[3]) == (root, "1") and found[2] != "7fa8c0f79203be72"
    # A handler's own call carries its trace on (botocore sends it from inside Lambda), with its lineage.
    deploy(client, "caller", {"app.py": TRACES})
    outer, inner = (TRACE.fullmatch(trace) for trace in call(client, "caller", {"call": "t"})["Body"])
    assert outer and inner and outer[1] == inner[1] == root and outer[2] != inner[2]
    assert inner[4].count(":0") == 2  # both functions, once each (Lambda counts the runs before, from 0)
    client.meta.events.unregister("before-send.lambda.*", traced)
    outer, inner = (TRACE.fullmatch(trace) for trace in call(client, "caller", {"call": "t"})["Body"])
    assert outer and inner and outer[1] == inner[1] != root


def test_pass_through_leaves_a_new_trace_undecided(client):
    # Recorded on Lambda by X-Ray's SDK team (aws-xray-sdk-node#651; aws-xray-sdk-java#409): a PassThrough function
    # that brings no decision has "Root=...;Lineage=..." alone, and an Active function it calls decides itself:
    # "Root=<the same>;Parent=...;Sampled=1;Lineage=<both>".
    deploy(client, "a", {"app.py": TRACES})
    deploy(client, "b", {"app.py": TRACES}, TracingConfig={"Mode": "Active"})
    outer, inner = call(client, "a", {"call": "b"})["Body"]
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Lineage=[0-9a-f]{8}:0", outer)
    found = TRACE.fullmatch(inner)
    assert found and f"Root={found[1]}" == outer.split(";")[0] and found[2] and found[3] == "1"


def test_lineage_counts_a_function_s_earlier_runs_in_the_chain_from_zero(client):
    # Recorded on Lambda (aws-xray-sdk-node#651): a function invoked directly reads "Lineage=061379e8:0", and the
    # function it calls "Lineage=061379e8:0|cbc84ad3:0"; SQS messages sent from handlers carry ":0" too. A function
    # that calls itself sees its key again, one run further on.
    deploy(client, "a", {"app.py": TRACES})
    deploy(client, "b", {"app.py": TRACES})
    outer, inner = call(client, "a", {"call": "b"})["Body"]
    [a] = re.findall(r";Lineage=([0-9a-f]{8}):0$", outer)
    assert re.fullmatch(r"([0-9a-f]{8}):0\|([0-9a-f]{8}):0", inner.split(";Lineage=")[1])
    assert f"{a}:0" in inner
    outer, inner = call(client, "a", {"call": "a"})["Body"]
    assert outer.endswith(f";Lineage={a}:0") and inner.endswith(f";Lineage={a}:1")


def test_active_tracing_samples_a_request_that_brings_no_decision(client):
    # AWS's guide to X-Ray with Lambda: with Active tracing, "the sampling rate is 1 request per second and 5 percent
    # of additional requests"; a caller's decision is kept, and PassThrough samples only what the caller sampled.
    deploy(client, "active", {"app.py": TRACES}, TracingConfig={"Mode": "Active"})
    deploy(client, "passive", {"app.py": TRACES})
    assert TRACE.fullmatch(call(client, "active")["Body"][1])[3] == "1"
    assert TRACE.fullmatch(call(client, "passive")["Body"][1])[3] is None

    def unsampled(request, **_):
        request.headers["X-Amzn-Trace-Id"] = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Sampled=0"

    client.meta.events.register("before-send.lambda.*", unsampled)
    assert all(TRACE.fullmatch(call(client, "active")["Body"][1])[3] == "0" for _ in range(3))
    client.meta.events.unregister("before-send.lambda.*", unsampled)

    def unnamed(request, **_):  # a decision with no valid Root names no trace: a new one, sampled as new
        request.headers["X-Amzn-Trace-Id"] = "Root=bogus;Sampled=0"

    client.meta.events.register("before-send.lambda.*", unnamed)
    found = TRACE.fullmatch(call(client, "active")["Body"][1])
    assert found and found[1] != "bogus" and found[3] in ("0", "1")


def test_each_mock_samples_active_tracing_afresh():
    # Isolation: one test's sampled request does not use up the next test's, within the same second.
    for _ in range(2):
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            deploy(client, "active", {"app.py": TRACES}, TracingConfig={"Mode": "Active"})
            assert TRACE.fullmatch(call(client, "active")["Body"][1])[3] == "1"


# What Invoke answers names the trace: the handler's Root, a Parent of its own, Sampled=0 unless sampled.
ANSWER = re.compile(r"Root=(1-[0-9a-f]{8}-[0-9a-f]{24});Parent=([0-9a-f]{16});Sampled=([01])")


def test_invokes_answer_names_its_trace(client, mock):
    # Recorded answers to boto3 carry "x-amzn-remapped-content-length": "0" and an x-amzn-trace-id naming a root,
    # a parent and "sampled=0" (apache/airflow tests/providers/amazon/aws/hooks/test_lambda_function.py,
    # test_validate_response_success, June 2024; a 202 captured in 2024 the same, with no content-type).
    deploy(client, "passive", {"app.py": TRACES})
    deploy(client, "active", {"app.py": TRACES}, TracingConfig={"Mode": "Active"})
    for name, sampled in (("passive", "0"), ("active", "1")):
        answer = call(client, name)
        headers = answer["ResponseMetadata"]["HTTPHeaders"]
        found, ran = ANSWER.fullmatch(headers["x-amzn-trace-id"]), TRACE.fullmatch(answer["Body"][1])
        assert found and ran and found[1] == ran[1] and found[2] != ran[2] and found[3] == sampled
        assert headers["x-amzn-remapped-content-length"] == "0"
        assert mock.invocations[-1].trace == answer["Body"][1]
    answer = client.invoke(FunctionName="passive", InvocationType="Event")
    headers = answer["ResponseMetadata"]["HTTPHeaders"]
    assert "content-type" not in headers and headers["x-amzn-remapped-content-length"] == "0"
    mock.wait()
    found, ran = ANSWER.fullmatch(headers["x-amzn-trace-id"]), TRACE.fullmatch(mock.invocations[-1].trace)
    assert found and ran and found[1] == ran[1] and found[3] == "0"
    assert ran[3] is None  # the handler's trace is left undecided, "Root=..." alone, as for any PassThrough request


def test_an_event_invocation_keeps_its_callers_trace(client, mock):
    deploy(client, "t", {"app.py": TRACES})
    root = "1-3152b799-8954dae64eda91bc9a23a7e8"

    def traced(request, **_):
        request.headers["X-Amzn-Trace-Id"] = f"Root={root};Parent=7fa8c0f79203be72;Sampled=1"

    client.meta.events.register("before-send.lambda.*", traced)
    answer = client.invoke(FunctionName="t", InvocationType="Event")
    mock.wait()
    found = ANSWER.fullmatch(answer["ResponseMetadata"]["HTTPHeaders"]["x-amzn-trace-id"])
    assert found and found[1] == root and found[3] == "1"
    ran = TRACE.fullmatch(mock.invocations[-1].trace)
    assert ran and (ran[1], ran[3]) == (root, "1")

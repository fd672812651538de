"""Invoke and InvokeAsync through boto3: real handlers, Lambda's answers."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import sys
import threading
import time

import boto3
import pytest
from botocore.config import Config

from lambdamock import mock_lambda, package
from lambdamock.runtime import runtime as runtime_module
from tests.helpers import ROLE, moto_aws, wait_until
from tests.runtime import sync

ECHO = "def handler(event, context):\n    return event\n"


@pytest.fixture
def mock():
    with mock_lambda() as started:
        yield started


@pytest.fixture
def client(mock):
    return boto3.client("lambda", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1}))


def deploy(client, name: str, files: dict[str, str], handler: str = "app.handler", **extra) -> dict:
    return client.create_function(
        FunctionName=name, Runtime=extra.pop("Runtime", "python3.12"), Role=ROLE, Handler=handler,
        Code={"ZipFile": package(files)}, **extra,
    )


def call(client, name: str, event=None, **params):
    response = client.invoke(FunctionName=name, Payload=json.dumps(event if event is not None else {}), **params)
    response["Body"] = json.loads(response["Payload"].read() or b"null")
    return response


def test_request_response_returns_the_handler_result(client):
    deploy(client, "echo", {"app.py": ECHO})
    response = call(client, "echo", {"a": [1, 2]})
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert response["Body"] == {"a": [1, 2]}
    assert "FunctionError" not in response


def test_result_bytes_are_the_python_runtime_json(client):
    deploy(client, "f", {"app.py": "def handler(e, c):\n    return {'a': 1, 'b': [1, 2]}\n"})
    assert client.invoke(FunctionName="f")["Payload"].read() == b'{"a": 1, "b": [1, 2]}'


def test_a_namedtuple_result_is_an_object(client):
    # The Python runtime's marshaller encodes with simplejson, whose namedtuple_as_object is on by default
    # (awslambdaric's lambda_runtime_marshaller); plain tuples stay arrays.
    source = ("import collections\nPoint = collections.namedtuple('Point', 'x y')\n"
              "def handler(e, c):\n    return {'at': Point(1, (2, 3)), 'path': [Point(0, 0)]}\n")
    deploy(client, "f", {"app.py": source})
    assert client.invoke(FunctionName="f")["Payload"].read() == (
        b'{"at": {"x": 1, "y": [2, 3]}, "path": [{"x": 0, "y": 0}]}')


def test_any_value_with_an_asdict_is_an_object_as_simplejson_writes_it(client):
    # simplejson's namedtuple_as_object (on in the runtime's marshaller) applies to any value with an _asdict()
    # (encoder.py's docstring: "objects with ``_asdict()`` methods will be encoded as JSON objects"), before
    # lists, tuples and dicts; SQLAlchemy's Row is one. The answers below are simplejson 3's for these values.
    source = (
        "class Row:\n    def _asdict(self):\n        return {'x': 1, 'n': (2, 3)}\n"
        "class Mapping(dict):\n    def _asdict(self):\n        return {'from': 'asdict'}\n"
        "class Listing(list):\n    def _asdict(self):\n        return {'l': 1}\n"
        "class Text(str):\n    def _asdict(self):\n        return {'s': 1}\n"
        "class Takes:\n    def _asdict(self, extra):\n        return {}\n"
        "class Wrong:\n    def _asdict(self):\n        return [1]\n"
        "class Nothing:\n    def _asdict(self):\n        return None\n"
        "class Counted:\n    calls = 0\n    def _asdict(self):\n        Counted.calls += 1\n"
        "        return {'calls': Counted.calls}\n"
        "class Fresh:\n    def __init__(self, i):\n        self.i = i\n    def _asdict(self):\n"
        "        return {'i': self.i}\n"
        "class Rows(list):\n    def __iter__(self):\n        return (Fresh(i) for i in range(3))\n"
        "def handler(event, context):\n"
        "    return {'row': [{'row': Row()}], 'mapping': Mapping(a=1), 'listing': [Listing([1])], 'text': Text('t'),\n"
        "            'takes': [Takes()], 'wrong': [Wrong()], 'nothing': [Nothing()],\n            'counted': [Counted()], 'fresh': Rows([0])}[event['case']]\n"
    )
    deploy(client, "f", {"app.py": source})

    def answer(case: str) -> dict:
        response = client.invoke(FunctionName="f", Payload=json.dumps({"case": case}))
        return {"error": response.get("FunctionError"), "body": response["Payload"].read()}

    assert answer("row") == {"error": None, "body": b'[{"row": {"x": 1, "n": [2, 3]}}]'}
    assert answer("mapping") == {"error": None, "body": b'{"from": "asdict"}'}
    assert answer("listing") == {"error": None, "body": b'[{"l": 1}]'}
    assert answer("text") == {"error": None, "body": b'"t"'}
    assert answer("counted") == {"error": None, "body": b'[{"calls": 1}]'}  # called once, as simplejson does
    # Values made as they are iterated over, each freed before the next: one's id may be the next one's.
    assert answer("fresh") == {"error": None, "body": b'[{"i": 0}, {"i": 1}, {"i": 2}]'}
    for case, message in (("takes", "Object of type Takes is not JSON serializable"),
                          ("wrong", "_asdict() must return a dict, not list"),
                          ("nothing", "_asdict() must return a dict, not NoneType")):
        failed = answer(case)
        assert failed["error"] == "Unhandled"
        assert json.loads(failed["body"])["errorMessage"] == f"Unable to marshal response: {message}"


def test_qualified_invoke_runs_that_version(client):
    deploy(client, "v", {"app.py": "def handler(e, c):\n    return 'one'\n"}, Publish=True)
    client.update_function_code(FunctionName="v", ZipFile=package({"app.py": "def handler(e, c):\n    return 'two'\n"}))
    assert call(client, "v", Qualifier="1")["Body"] == "one"
    assert call(client, "v:1")["ExecutedVersion"] == "1"
    assert call(client, "v")["Body"] == "two"


def test_event_returns_202_and_runs_in_the_background(client, mock):
    deploy(client, "bg", {"app.py": ECHO})
    response = client.invoke(FunctionName="bg", InvocationType="Event", Payload=b'{"n": 1}')
    assert response["StatusCode"] == 202
    assert response["Payload"].read() == b""
    mock.wait(timeout=10)
    [record] = mock.invocations
    assert (record.invocation_type, record.result, record.request_id) == (
        "Event", {"n": 1}, response["ResponseMetadata"]["RequestId"]
    )


def test_dry_run_runs_nothing(client, mock):
    deploy(client, "dry", {"app.py": ECHO})
    assert client.invoke(FunctionName="dry", InvocationType="DryRun")["StatusCode"] == 204
    assert mock.invocations == []


def test_invoke_async_runs_the_handler(client, mock):
    deploy(client, "old", {"app.py": ECHO})
    response = client.invoke_async(FunctionName="old", InvokeArgs=b'{"x": 1}')
    assert response["Status"] == 202
    mock.wait(timeout=10)
    assert [r.result for r in mock.invocations] == [{"x": 1}]


def test_client_context_reaches_the_handler(client):
    source = "def handler(e, c):\n    cc = c.client_context\n    return [cc.custom, cc.client.app_title]\n"
    deploy(client, "cc", {"app.py": source})
    context = {"custom": {"k": "v"}, "client": {"app_title": "t"}, "env": {}}
    encoded = base64.b64encode(json.dumps(context).encode()).decode()
    assert call(client, "cc", ClientContext=encoded)["Body"] == [{"k": "v"}, "t"]


def test_tail_returns_the_last_4kb_of_the_log(client):
    deploy(client, "noisy", {"app.py": "def handler(e, c):\n    print('x' * 10000)\n    print('done')\n"})
    response = call(client, "noisy", LogType="Tail")
    log = base64.b64decode(response["LogResult"])
    assert len(log) == 4096
    text = log.decode()
    assert "done" in text and "END RequestId:" in text and "REPORT RequestId:" in text


def test_the_test_process_s_basic_config_does_not_double_a_function_s_log_lines(client):
    # Found running AWS's SDK examples: code under test that logs with logging.info() configures the test process's
    # root logger after a function ran. On AWS that configuration cannot reach the function's log: each record is
    # there once, from the runtime's own handler.
    source = "import logging\nlogging.getLogger().setLevel(logging.INFO)\ndef handler(e, c):\n    logging.info('hello')\n"
    deploy(client, "logs", {"app.py": source})
    call(client, "logs")  # an environment, and with it the diverted streams
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers.clear()  # pytest's own handlers would make basicConfig do nothing
    try:
        logging.basicConfig()
        assert len(root.handlers) == 1
        log = base64.b64decode(call(client, "logs", LogType="Tail")["LogResult"]).decode()
    finally:
        root.handlers[:] = saved
    [line] = [line for line in log.splitlines() if "hello" in line]
    assert line.startswith("[INFO]\t") and line.endswith("\thello")


def test_the_runtime_s_root_handler_is_the_function_s_to_filter_level_or_remove(client):
    # The Python runtime adds its LambdaLoggerHandler to the root logger before it imports the function
    # (awslambdaric bootstrap.py, _setup_logging). Libraries rely on it: AWS Lambda Powertools' Logger adds a filter
    # to every root handler so that its records are not written twice (found running Powertools in a function).
    source = ("import logging\n"
              "class Drop(logging.Filter):\n    def filter(self, record):\n        return record.name != 'quiet'\n"
              "AT_INIT = [type(h).__name__ for h in logging.root.handlers]\n"
              "for h in logging.root.handlers:\n    h.addFilter(Drop())\n"
              "def handler(e, c):\n"
              "    logging.getLogger('quiet').warning('filtered out')\n"
              "    logging.getLogger('loud').warning('kept')\n"
              "    if e.get('remove'):\n        logging.root.removeHandler(logging.root.handlers[0])\n"
              "        logging.getLogger('loud').warning('after removal')\n"
              "    return AT_INIT\n")
    deploy(client, "logs", {"app.py": source})
    before = list(logging.root.handlers)
    response = call(client, "logs", LogType="Tail")
    removed = base64.b64decode(call(client, "logs", {"remove": 1}, LogType="Tail")["LogResult"]).decode()
    lines = base64.b64decode(response["LogResult"]).decode().splitlines()
    assert [line.split("\t")[-1] for line in lines if line.startswith("[WARNING]")] == ["kept"]
    # With no handler of its own left, logging's lastResort writes the record's message to stderr, which the
    # runtime logs too.
    assert "\tkept" in removed and "\nafter removal\n" in removed and "\tafter removal" not in removed
    assert response["Body"] == ["LambdaLoggerHandler"]  # the process's (pytest's) are not the function's
    # The test process's own root handlers are as they were, without the function's filter: the runtime's is only
    # the function's threads' to see.
    assert list(logging.root.handlers) == before and all(type(h).__name__ != "LambdaLoggerHandler" for h in before)
    assert not any(handler.filters for handler in before)


def test_an_uncaught_exception_in_a_handler_s_thread_is_reported_in_its_log(client, recwarn):
    # On AWS the runtime's process reports it with Python's own hook, on stderr: in the function's log. Found running
    # sentry-python's Lambda suite, whose timeout warning is such a thread's report.
    source = ("import threading\n"
              "def fail():\n    raise ValueError('in a thread')\n"
              "def handler(e, c):\n    t = threading.Thread(target=fail, name='worker')\n    t.start()\n    t.join()\n")
    deploy(client, "threaded", {"app.py": source})
    log = base64.b64decode(call(client, "threaded", LogType="Tail")["LogResult"]).decode()
    report = log[log.index("Exception in thread worker:\n"):log.index("END RequestId")]
    assert report.endswith("ValueError: in a thread\n")
    assert "/lambdamock/" not in report and "in fail\n" in report
    assert not [warning for warning in recwarn if "thread" in str(warning.message).lower()]


def test_a_raw_thread_of_a_handler_is_its_own_too(client):
    # _thread.start_new_thread: the thread sees the function's environment, and its error is reported as Python's
    # own unraisable hook reports one, in the function's log.
    source = ("import _thread, os, time\n"
              "seen = {}\n"
              "def work(key, fail=False):\n"
              "    seen[key] = os.environ.get('AWS_LAMBDA_FUNCTION_NAME')\n"
              "    if fail:\n        raise ValueError('in a raw thread')\n"
              "def handler(e, c):\n"
              "    seen.clear()\n"
              "    running = _thread._count()\n"
              "    _thread.start_new_thread(work, ('name',), {'fail': e.get('fail', False)})\n"
              "    deadline = time.monotonic() + 5\n"
              "    while ('name' not in seen or _thread._count() > running) and time.monotonic() < deadline:\n"
              "        time.sleep(0.001)\n"
              "    return seen\n")
    deploy(client, "raw", {"app.py": source})
    assert call(client, "raw")["Body"] == {"name": "raw"}
    log = base64.b64decode(call(client, "raw", {"fail": True}, LogType="Tail")["LogResult"]).decode()
    report = log[log.index("Exception ignored in thread started by: <function work at "):log.index("END RequestId")]
    assert report.endswith("ValueError: in a raw thread\n")
    assert "/lambdamock/" not in report and "in work\n" in report


def test_context_and_environment(client):
    source = (
        "import os\n"
        "def handler(e, c):\n"
        "    return {'name': c.function_name, 'version': c.function_version, 'memory': c.memory_limit_in_mb,\n"
        "            'arn': c.invoked_function_arn, 'left': c.get_remaining_time_in_millis(),\n"
        "            'mine': os.environ['MINE'], 'fn': os.getenv('AWS_LAMBDA_FUNCTION_NAME'),\n"
        "            'region': os.environ['AWS_REGION']}\n"
    )
    deploy(client, "ctx", {"app.py": source}, Environment={"Variables": {"MINE": "yes"}}, Timeout=7)
    body = call(client, "ctx")["Body"]
    assert body["name"] == body["fn"] == "ctx"
    assert (body["version"], body["memory"], body["mine"], body["region"]) == ("$LATEST", "128", "yes", "us-east-1")
    assert body["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:ctx"
    assert 0 < body["left"] <= 7000
    assert "MINE" not in os.environ and "AWS_LAMBDA_FUNCTION_NAME" not in os.environ


def test_warm_invocations_keep_globals(client, mock):
    deploy(client, "count", {"app.py": "n = 0\ndef handler(e, c):\n    global n\n    n += 1\n    return n\n"})
    assert [call(client, "count")["Body"] for _ in range(3)] == [1, 2, 3]
    assert [r.cold for r in mock.invocations] == [True, False, False]


def test_code_change_retires_environments(client):
    deploy(client, "count", {"app.py": "n = 0\ndef handler(e, c):\n    global n\n    n += 1\n    return n\n"})
    assert call(client, "count")["Body"] == 1
    client.update_function_configuration(FunctionName="count", Description="new")
    assert call(client, "count")["Body"] == 1


def test_two_functions_with_the_same_module_names_run_their_own_code(client):
    for name in ("a", "b"):
        deploy(client, name, {"app.py": "import helper\ndef handler(e, c):\n    return helper.NAME\n",
                              "helper.py": f"NAME = '{name}'\n"})
    assert call(client, "a")["Body"] == "a"
    assert call(client, "b")["Body"] == "b"


def test_handler_in_a_subdirectory(client):
    deploy(client, "deep", {"src/pkg/app.py": ECHO}, handler="src/pkg/app.handler")
    assert call(client, "deep", {"k": 1})["Body"] == {"k": 1}


def test_process_is_left_as_it_was():
    modules, path, environ = set(sys.modules), list(sys.path), dict(os.environ)
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        deploy(client, "app", {"app.py": "import helper\nimport os\nos.environ['X'] = '1'\ndef handler(e, c):\n    return 1\n",
                               "helper.py": ""})
        call(client, "app")
    assert set(sys.modules) - modules <= {m for m in sys.modules if m.startswith(("lambdamock", "tests"))}
    assert sys.path == path
    assert dict(os.environ) == environ


def test_handler_invoking_another_function_to_any_depth(client):
    source = (
        "import boto3, json\n"
        "def handler(e, c):\n"
        "    if e['depth'] == 0:\n"
        "        return 'bottom'\n"
        "    lam = boto3.client('lambda', region_name='us-east-1')\n"
        "    out = lam.invoke(FunctionName='rec', Payload=json.dumps({'depth': e['depth'] - 1}))\n"
        "    return json.loads(out['Payload'].read())\n"
    )
    deploy(client, "rec", {"app.py": source}, Timeout=30)
    assert call(client, "rec", {"depth": 4})["Body"] == "bottom"


def test_handler_using_s3_served_by_moto():

    source = (
        "import boto3\n"
        "def handler(e, c):\n"
        "    boto3.client('s3', region_name='us-east-1').put_object(Bucket='out-bucket', Key='k', Body=b'done')\n"
    )
    with moto_aws(), mock_lambda():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="out-bucket")
        client = boto3.client("lambda", region_name="us-east-1")
        deploy(client, "writer", {"app.py": source})
        assert "FunctionError" not in call(client, "writer")
        body = boto3.client("s3", region_name="us-east-1").get_object(Bucket="out-bucket", Key="k")["Body"].read()
        assert body == b"done"


# -- errors -------------------------------------------------------------------


def test_missing_function_names_latest(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.invoke(FunctionName="nope")
    assert info.value.response["Error"]["Message"] == (
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST"
    )
    assert info.value.response["Type"] == "User"


def test_missing_qualifier(client):
    deploy(client, "f", {"app.py": ECHO})
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.invoke(FunctionName="f", Qualifier="7")
    assert info.value.response["Error"]["Message"] == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:f:7"


def test_handler_exception(client, mock):
    deploy(client, "boom", {"app.py": "def handler(e, c):\n    raise ValueError('bad input')\n"})
    response = call(client, "boom")
    assert response["StatusCode"] == 200 and response["FunctionError"] == "Unhandled"
    body = response["Body"]
    assert list(body) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert (body["errorMessage"], body["errorType"]) == ("bad input", "ValueError")
    assert body["requestId"] == response["ResponseMetadata"]["RequestId"]
    assert any("raise ValueError" in line for line in body["stackTrace"])
    assert call(client, "boom")["FunctionError"] == "Unhandled"  # still serving


def test_the_python38_runtimes_error_has_no_request_id(client):
    # Recorded: LocalStack test_lambda_common.snapshot.json, test_uncaught_exception_invoke[python3.8] (error_result);
    # python3.9 and later include it.
    deploy(client, "old", {"app.py": "def handler(e, c):\n    raise Exception('some_error_msg')\n"}, Runtime="python3.8")
    body = call(client, "old")["Body"]
    assert list(body) == ["errorMessage", "errorType", "stackTrace"]


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
    assert inner[4].count(":1") == 2  # both functions, once each
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
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Lineage=[0-9a-f]{8}:1", outer)
    found = TRACE.fullmatch(inner)
    assert found and f"Root={found[1]}" == outer.split(";")[0] and found[2] and found[3] == "1"


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


def test_a_handler_error_reads_as_aws_recorded_it(client):
    # Recorded: LocalStack test_lambda.snapshot.json, TestLambdaErrors::test_lambda_handler_error: the
    # function's files are named where Lambda keeps them, under /var/task.
    source = 'def handler(event, context):\n    raise Exception("Handler fails")\n'
    deploy(client, "f", {"lambda_handler_error.py": source}, handler="lambda_handler_error.handler")
    response = call(client, "f")
    assert response["Body"] == {
        "errorMessage": "Handler fails",
        "errorType": "Exception",
        "requestId": response["ResponseMetadata"]["RequestId"],
        "stackTrace": ['  File "/var/task/lambda_handler_error.py", line 2, in handler\n    raise Exception("Handler fails")\n'],
    }


@pytest.mark.parametrize(
    ("files", "handler", "error_type", "message"),
    [
        ({"app.py": "import missing_dep\n"}, "app.handler", "Runtime.ImportModuleError",
         "Unable to import module 'app': No module named 'missing_dep'"),
        ({"other.py": ""}, "app.handler", "Runtime.ImportModuleError",
         "Unable to import module 'app': No module named 'app'"),
        ({"app.py": "x = 1\n"}, "app.handler", "Runtime.HandlerNotFound", "Handler 'handler' missing on module 'app'"),
        ({"app.py": "def handler(e, c)\n    pass\n"}, "app.handler", "Runtime.UserCodeSyntaxError",
         "Syntax error in module 'app'"),
        ({"app.py": "def handler(e, c):\n    return {1, 2}\n"}, "app.handler", "Runtime.MarshalError",
         "Unable to marshal response: Object of type set is not JSON serializable"),
        ({"app.py": "import sys\ndef handler(e, c):\n    sys.exit(3)\n"}, "app.handler", "Runtime.ExitError",
         "Error: Runtime exited with error: exit status 3"),
    ],
    ids=["import-error", "no-module", "no-handler", "syntax", "marshal", "exit"],
)
def test_runtime_faults(client, files, handler, error_type, message):
    deploy(client, "f", files, handler=handler)
    response = call(client, "f")
    assert response["FunctionError"] == "Unhandled"
    assert response["Body"]["errorType"] == error_type
    assert message in response["Body"]["errorMessage"]
    # The mock keeps serving: fix the code and the next invocation works.
    client.update_function_code(FunctionName="f", ZipFile=package({handler.rsplit(".", 1)[0] + ".py": ECHO}))
    assert call(client, "f", {"ok": 1})["Body"] == {"ok": 1}


def test_a_failed_init_runs_again_in_the_invoke_phase(client, mock, tmp_path):
    # Captured on AWS (python3.12, 2026): INIT_START, the warning and the error, "INIT_REPORT Init Duration: 137.69
    # ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError", the warning and the error again,
    # "INIT_REPORT Init Duration: 80.49 ms\tPhase: invoke\tStatus: error\tError Type: ...", START, END, and a
    # REPORT with "Status: error\tError Type: Runtime.ImportModuleError" and no Init Duration.
    runs = tmp_path / "runs"
    deploy(client, "broken", {"app.py": f"open({str(runs)!r}, 'a').write('.')\nimport missing_dep\n"})
    assert call(client, "broken")["Body"]["errorType"] == "Runtime.ImportModuleError"
    assert runs.read_text() == "..", "the module ran twice"
    shapes = [re.sub(r"[\d.]+ (?:MB|ms)|RequestId: \S+|\t\d{4}-\S+Z\t\t.*", "*", message.split("\n")[0])
              for _, message in mock.invocations[-1].log_events]
    assert shapes[1:] == [
        "[WARNING]*", "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'missing_dep'",
        "INIT_REPORT Init Duration: *\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError",
        "[WARNING]*", "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'missing_dep'",
        "INIT_REPORT Init Duration: *\tPhase: invoke\tStatus: error\tError Type: Runtime.ImportModuleError",
        "START * Version: $LATEST", "END *",
        "REPORT *\tDuration: *\tBilled Duration: *\tMemory Size: *\tMax Memory Used: *\tStatus: error"
        "\tError Type: Runtime.ImportModuleError",
    ]
    assert shapes[0].startswith("INIT_START Runtime Version: python:3.12")


def test_an_init_that_fails_once_is_run_again_and_the_invocation_goes_on(client, mock, tmp_path):
    flag = tmp_path / "fail once"
    flag.touch()
    source = (f"import os\nif os.path.exists({str(flag)!r}):\n    os.remove({str(flag)!r})\n"
              "    raise RuntimeError('not yet')\ndef handler(event, context):\n    return 'ran'\n")
    deploy(client, "flaky", {"app.py": source})
    response = call(client, "flaky")
    assert "FunctionError" not in response and response["Body"] == "ran"
    messages = [message for _, message in mock.invocations[-1].log_events]
    assert [message.split("\t")[1] for message in messages if message.startswith("INIT_REPORT")] == ["Phase: init"]
    assert "Init Duration" not in messages[-1]  # that init ran in the invoke phase: its time is the Duration's
    assert call(client, "flaky")["Body"] == "ran"  # and the environment is kept


def test_an_init_run_again_counts_against_the_invocation_s_timeout(client, mock, tmp_path):
    # It runs in the invoke phase: the handler gets what is left of the timeout, and an init that outlasts it is
    # the invocation's timeout, with the first init's log kept.
    flag = tmp_path / "fail once"
    flag.touch()
    slow = (f"import os, time\nif os.path.exists({str(flag)!r}):\n    os.remove({str(flag)!r})\n"
            "    raise RuntimeError('not yet')\ntime.sleep(1)\n"
            "def handler(event, context):\n    return context.get_remaining_time_in_millis()\n")
    deploy(client, "slow", {"app.py": slow}, Timeout=3)
    left = call(client, "slow")["Body"]
    assert 1000 < left <= 2000, left
    flag.touch()
    hangs = (f"import os, time\nif os.path.exists({str(flag)!r}):\n    os.remove({str(flag)!r})\n"
             "    raise RuntimeError('not yet')\ntime.sleep(30)\ndef handler(event, context):\n    return 1\n")
    deploy(client, "hangs", {"app.py": hangs}, Timeout=1)
    response = call(client, "hangs")
    assert response["Body"]["errorType"] == "Sandbox.Timedout"
    messages = [message for _, message in mock.invocations[-1].log_events]
    assert any("INIT_REPORT" in message and "Phase: init" in message for message in messages)
    assert re.search(r"\tDuration: 1000\.00 ms", messages[-1]), messages[-1]


def test_an_init_over_its_limit_is_abandoned_and_run_again_in_the_invoke_phase(client, mock, monkeypatch, tmp_path):
    # Lambda gives init 10 s (0.2 s here), then runs it again within the invocation, under the timeout. Captured on
    # AWS (a public reproduction of a slow init, 2024): "INIT_REPORT Init Duration: 10337.01 ms\tPhase: init\t
    # Status: timeout", what init wrote again, "INIT_REPORT Init Duration: 45045.69 ms\tPhase: invoke\tStatus: error
    # \tError Type: Runtime.Unknown" for a second one that outlived the 45 s timeout, START, END, REPORT.
    monkeypatch.setattr(runtime_module, "_INIT_LIMIT_S", 0.2)
    runs = tmp_path / "runs"
    source = ("import time\nprint('loading')\ntime.sleep({})\n"
              f"open({str(runs)!r}, 'a').write('.')\n"
              "def handler(event, context):\n    return 'ran'\n")
    deploy(client, "slow", {"app.py": source.format(0.5)}, Timeout=3)
    assert call(client, "slow")["Body"] == "ran"
    assert runs.read_text() == ".", "the abandoned init went no further"
    shapes = [re.sub(r"[\d.]+ (?:MB|ms)|RequestId: \S+", "*", message.rstrip("\n"))
              for _, message in mock.invocations[-1].log_events]
    assert shapes[1:] == [
        "loading", "INIT_REPORT Init Duration: *\tPhase: init\tStatus: timeout", "loading",
        "START * Version: $LATEST", "END *",
        "REPORT *\tDuration: *\tBilled Duration: *\tMemory Size: *\tMax Memory Used: *\t",
    ]
    assert "Init Duration: 200.00 ms" in mock.invocations[-1].log_events[2][1]
    deploy(client, "hangs", {"app.py": source.format(30)}, Timeout=1)
    started = time.monotonic()
    response = call(client, "hangs")
    assert time.monotonic() - started < 3
    assert response["Body"]["errorType"] == "Sandbox.Timedout"
    shapes = [re.sub(r"[\d.]+ (?:MB|ms)|RequestId: \S+", "*", message.rstrip("\n"))
              for _, message in mock.invocations[-1].log_events]
    assert shapes[1:] == [
        "loading", "INIT_REPORT Init Duration: *\tPhase: init\tStatus: timeout", "loading",
        "INIT_REPORT Init Duration: *\tPhase: invoke\tStatus: error\tError Type: Runtime.Unknown",
        "START * Version: $LATEST", "END *",
        "REPORT *\tDuration: *\tBilled Duration: *\tMemory Size: *\tMax Memory Used: *\tStatus: timeout",
    ]
    assert "Duration: 1000.00 ms" in mock.invocations[-1].log_events[-1][1]


def test_an_init_timeout_in_json_logs(client, mock, monkeypatch):
    # The Telemetry API's initReport, at INFO as for a failed init, with the status "timeout".
    monkeypatch.setattr(runtime_module, "_INIT_LIMIT_S", 0.2)
    deploy(client, "slow", {"app.py": "import time\ntime.sleep(0.5)\ndef handler(event, context):\n    return 'ran'\n"},
           Timeout=3, LoggingConfig={"LogFormat": "JSON"})
    assert call(client, "slow")["Body"] == "ran"
    records = [json.loads(message) for _, message in mock.invocations[-1].log_events if message.startswith("{")]
    reports = [record["record"] for record in records if record["type"] == "platform.initReport"]
    assert reports == [{"initializationType": "on-demand", "phase": "init", "status": "timeout",
                        "metrics": {"durationMs": 200.0}}]


def test_timeout_is_answered_on_time(client, mock):
    deploy(client, "slow", {"app.py": "import time\ndef handler(e, c):\n    time.sleep(60)\n"}, Timeout=1)
    response = call(client, "slow")
    assert response["FunctionError"] == "Unhandled"
    assert response["Body"] == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {response['ResponseMetadata']['RequestId']} Error: Task timed out after 1.00 seconds",
    }
    assert mock.invocations[-1].timed_out


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


def test_response_too_large(client, mock):
    deploy(client, "big", {"app.py": "def handler(e, c):\n    return 'x' * (7 * 1024 * 1024)\n"})
    body = call(client, "big")["Body"]
    assert body == {
        "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
    # The record says what the caller got (found in review: it held the 7 MB result, and no error).
    assert (mock.invocations[-1].function_error, mock.invocations[-1].error) == ("Unhandled", body)


def test_request_too_large(client):
    deploy(client, "f", {"app.py": ECHO})
    with pytest.raises(client.exceptions.ClientError) as info:
        client.invoke(FunctionName="f", Payload=json.dumps("x" * (6 * 1024 * 1024)))
    error = info.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert error["Error"] == {
        "Code": "RequestEntityTooLargeException",
        "Message": "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
    }


def test_event_payload_limit_is_1mb(client, mock):
    deploy(client, "f", {"app.py": ECHO})
    payload = json.dumps("x" * (1024 * 1024))
    with pytest.raises(client.exceptions.ClientError) as info:
        client.invoke(FunctionName="f", InvocationType="Event", Payload=payload)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert mock.invocations == []


def test_invalid_json_payload(client):
    deploy(client, "f", {"app.py": ECHO})
    with pytest.raises(client.exceptions.InvalidRequestContentException) as info:
        client.invoke(FunctionName="f", Payload=b"{bad")
    assert info.value.response["Error"]["Message"].startswith(
        "Could not parse request body into json: Could not parse payload into json: "
    )


def test_async_failures_are_retried_twice(client, mock):
    deploy(client, "flaky", {"app.py": "def handler(e, c):\n    raise RuntimeError('no')\n"})
    client.invoke(FunctionName="flaky", InvocationType="Event", Payload=b"{}")
    mock.wait(timeout=10)
    assert [r.attempt for r in mock.invocations] == [1, 2, 3]
    assert len({r.request_id for r in mock.invocations}) == 1


def test_other_runtimes_give_a_clear_error(client):
    deploy(client, "node", {"index.js": "exports.handler = async () => 1;"}, handler="index.handler", Runtime="nodejs20.x")
    response = call(client, "node")
    assert response["FunctionError"] == "Unhandled"
    assert "nodejs20.x" in response["Body"]["errorMessage"]


def test_the_payload_reads_as_a_response_from_aws_does(client):
    # Against AWS, StreamingBody passes readinto (newer botocores), readlines, tell and readable on to urllib3's
    # response (botocore response.py); lambdamock's body lacked them (found in review: AttributeError, and
    # readable() False).
    from botocore.response import StreamingBody

    deploy(client, "f", {"app.py": ECHO})
    payload = client.invoke(FunctionName="f", Payload=b'"a\\nb\\nc"')["Payload"]
    assert payload.readable()
    assert (payload.read(2), payload.tell()) == (b'"a', 2)
    if hasattr(StreamingBody, "readinto"):
        buffer = bytearray(3)
        assert (payload.readinto(buffer), bytes(buffer)) == (3, b"\\nb")
    else:
        assert payload.read(3) == b"\\nb"
    assert payload.readlines() == [b'\\nc"']
    assert payload.tell() == 9


def test_a_log_tail_with_a_lone_surrogate_is_answered(client):
    # Found in review: LogType="Tail" raised UnicodeEncodeError in the test process, where AWS answers. A byte that is
    # not UTF-8, which print() passes on as a lone surrogate, is written as that byte (the runtime's streams escape
    # them); an exception whose text holds one ends the runtime as it reports it (as without a tail).
    deploy(client, "p", {"app.py": "def handler(e, c):\n    print('x\\udcffy')\n    return 1\n"})
    printed = client.invoke(FunctionName="p", LogType="Tail")
    assert printed["StatusCode"] == 200 and b"x\xffy\n" in base64.b64decode(printed["LogResult"])
    deploy(client, "r", {"app.py": "def handler(e, c):\n    raise ValueError('bad \\udcff here')\n"})
    raised = client.invoke(FunctionName="r", LogType="Tail")
    assert json.loads(raised["Payload"].read())["errorType"] == "Runtime.ExitError"
    assert base64.b64decode(raised["LogResult"]).startswith(b"START RequestId")


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

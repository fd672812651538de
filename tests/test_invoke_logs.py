"""Invoke's log through boto3: the 4 KB tail, the runtime's root handler, and what a handler's threads report."""

from __future__ import annotations

import base64
import io
import json
import logging
import re

import pytest

from tests.invoke_helpers import call, deploy

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.invoke_helpers import client as client
from tests.invoke_helpers import mock as mock


def test_tail_returns_the_last_4kb_of_the_log(client):
    deploy(client, "noisy", {"app.py": "def handler(e, c):\n    print('x' * 10000)\n    print('done')\n"})
    response = call(client, "noisy", LogType="Tail")
    log = base64.b64decode(response["LogResult"])
    assert len(log) == 4096
    text = log.decode()
    assert "done" in text and "END RequestId:" in text and "REPORT RequestId:" in text
    # LogType is None or Tail: "Set to Tail to include the execution log in the response" (API_Invoke).
    assert "LogResult" not in client.invoke(FunctionName="noisy", LogType="None")


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


@pytest.mark.parametrize("where", ["stream", "handlers"])
def test_the_test_process_s_basic_config_keeps_a_stream_or_handlers_it_names(client, where):
    # What the test process hands basicConfig itself is what it gets: only its default stream is the one from before
    # the mock (see above).
    deploy(client, "logs", {"app.py": "def handler(e, c):\n    return 1\n"})
    call(client, "logs")
    own = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers.clear()
    try:
        if where == "stream":
            logging.basicConfig(stream=own)
        else:
            logging.basicConfig(handlers=[logging.StreamHandler(own)])
        [handler] = root.handlers
        logging.getLogger("test.process").warning("mine")
    finally:
        root.handlers[:] = saved
    assert handler.stream is own
    assert own.getvalue() == "WARNING:test.process:mine\n"


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


def tail(response) -> list[str]:
    return base64.b64decode(response["LogResult"]).decode().splitlines()


def test_a_published_version_s_log_names_it(client):
    # Recorded: LocalStack test_lambda.snapshot.json, TestLambdaFeatures::test_invocation_with_qualifier
    # ("log_result": "START RequestId: <uuid:2> Version: 1", ..., "END RequestId: <uuid:2>").
    deploy(client, "v", {"app.py": "def handler(e, c):\n    print('ran')\n"}, Publish=True)
    response = call(client, "v", Qualifier="1", LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    lines = tail(response)
    assert lines[:3] == [f"START RequestId: {request_id} Version: 1", "ran", f"END RequestId: {request_id}"]
    assert lines[3].startswith(f"REPORT RequestId: {request_id}\tDuration: ")


def test_a_logged_exception_and_stack_follow_the_message_in_text_format(client):
    # The Python runtime's text formatter is logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t
    # %(aws_request_id)s\t%(message)s\n") (awslambdaric bootstrap.py, _setup_logging): Python's Formatter puts the
    # traceback, then the stack, each on a line of its own after that format's newline, so a message that ends with a
    # newline of its own is followed by an empty line, and the event ends with the traceback's last line.
    source = ("import logging\n"
              "def handler(e, c):\n"
              "    try:\n        1 / 0\n"
              "    except ZeroDivisionError:\n"
              "        logging.getLogger().error('first', exc_info=True, stack_info=True)\n"
              "        logging.getLogger().error('second\\n', exc_info=True)\n")
    deploy(client, "x", {"app.py": source})
    text = "\n".join(tail(call(client, "x", LogType="Tail")))
    first = text[text.index("\tfirst\n"):text.index("[ERROR]", text.index("\tfirst\n"))]
    assert first.startswith("\tfirst\nTraceback (most recent call last):\n")
    assert "ZeroDivisionError: division by zero\nStack (most recent call last):\n" in first
    assert "\tsecond\n\nTraceback (most recent call last):\n" in text


def test_a_logged_exception_ends_its_event_with_the_traceback_s_last_line(client, mock):
    # Python's Formatter adds the traceback after the runtime's format, which ends with a newline: the event the
    # runtime's log sink sends ends with the traceback's last line, not a newline; a record without one ends with it.
    source = ("import logging\n"
              "def handler(e, c):\n"
              "    logging.getLogger().error('plain')\n"
              "    try:\n        1 / 0\n"
              "    except ZeroDivisionError:\n"
              "        logging.getLogger().exception('failed')\n")
    deploy(client, "x", {"app.py": source})
    call(client, "x")
    events = [message for _, message in mock.invocations[-1].log_events if message.startswith("[ERROR]")]
    assert [event.rsplit("\t", 1)[1].splitlines()[0] for event in events] == ["plain", "failed"]
    assert events[0].endswith("\tplain\n")
    assert events[1].endswith("\nZeroDivisionError: division by zero")


@pytest.mark.parametrize(("runtime", "shown"), [("python3.11", "caf\\u00e9"), ("python3.12", "caf\u00e9")])
def test_an_error_s_json_report_is_encoded_as_its_runtime_encodes(client, runtime, shown):
    # bootstrap.log_error writes the JSON report with to_json, whose Encoder (lambda_runtime_marshaller.py) keeps
    # non-ASCII text from AWS_Lambda_python3.12 on, and escapes it before, as the payload is.
    deploy(client, "j", {"app.py": "def handler(e, c):\n    raise ValueError('caf\\u00e9')\n"},
           LoggingConfig={"LogFormat": "JSON"}, Runtime=runtime)
    response = call(client, "j", LogType="Tail")
    [line] = [line for line in tail(response) if '"log_level"' in line]
    assert f'"errorMessage": "{shown}"' in line
    assert response["Body"]["errorMessage"] == "caf\u00e9"


def test_an_error_without_a_message_is_reported_by_its_type_alone(client):
    # The Python runtime's text report of an error (awslambdaric bootstrap.py, log_error): "[ERROR]", then the
    # type, then ":" and the message only when there is one; the traceback's indentation in no-break spaces.
    deploy(client, "e", {"app.py": "def handler(e, c):\n    raise ValueError()\n"})
    lines = tail(call(client, "e", LogType="Tail"))
    at = lines.index("[ERROR] ValueError")
    assert lines[at + 1:at + 3] == ["Traceback (most recent call last):",
                                    '\u00a0\u00a0File "/var/task/app.py", line 2, in handler']


def test_an_error_in_json_format_is_the_runtime_s_document(client):
    # The Python runtime's JSON report of an error (awslambdaric bootstrap.py, log_error): "timestamp" to the
    # second and "log_level", then the error object's own keys; python3.12's encoder keeps non-ASCII text.
    deploy(client, "j", {"app.py": "def handler(e, c):\n    raise ValueError('caf\\u00e9')\n"},
           LoggingConfig={"LogFormat": "JSON"})
    response = call(client, "j", LogType="Tail")
    [line] = [line for line in tail(response) if '"log_level"' in line]
    assert "caf\u00e9" in line
    document = json.loads(line)
    assert list(document) == ["timestamp", "log_level", "errorMessage", "errorType", "requestId", "stackTrace"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["timestamp"])
    assert (document["log_level"], document["errorType"]) == ("ERROR", "ValueError")
    assert document["requestId"] == response["ResponseMetadata"]["RequestId"]

"""The root logger as a function's code sees it: the runtime's handler, formatter and filter, and basicConfig.

What the Python runtime sets up is awslambdaric's bootstrap.py, _setup_logging: a LambdaLoggerHandler on the root
logger, before the function is imported, with a formatter (Text: "[%(levelname)s]\\t%(asctime)s.%(msecs)03dZ\\t
%(aws_request_id)s\\t%(message)s\\n"; JSON: its JsonFormatter) and a LambdaLoggerFilter that names the request
(and tenant) on each record; its emit writes ``self.format(record)``.
"""

from __future__ import annotations

import base64
import concurrent.futures
import json
import logging
import threading

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests.helpers import ROLE, wait_until


# The functions below log through a logger no other test configures: named loggers are the test process's.
def run(client, create_function, source: str, name: str = "f", **settings) -> tuple[object, list[str]]:
    """Deploy ``source`` as app.py, invoke it once; its result and what its code logged (Lambda's lines left out)."""
    create_function(name, Handler="app.handler", Code={"ZipFile": package({"app.py": source})}, **settings)
    response = client.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
    lines = base64.b64decode(response["LogResult"]).decode().splitlines()
    return json.loads(response["Payload"].read()), [line for line in lines if not _platform(line)]


def _platform(line: str) -> bool:
    if line.startswith("{"):
        return str(json.loads(line).get("type", "")).startswith("platform.")
    return line.startswith(("INIT_START ", "START RequestId:", "END RequestId:", "REPORT RequestId:"))


@pytest.fixture
def process_root():
    """The test process's root logger, checked to be as it was after the test: a function's logging is its own."""
    root = logging.getLogger()
    before = (list(root.handlers), root.level, [list(handler.filters) for handler in root.handlers])
    yield root
    assert (list(root.handlers), root.level, [list(handler.filters) for handler in root.handlers]) == before


def test_the_runtime_s_handler_has_the_runtime_s_formatter_and_filter(client, create_function, process_root):
    source = ("import logging\n"
              "def handler(event, context):\n"
              "    (h,) = logging.getLogger().handlers\n"
              "    return [type(h).__name__, h.formatter._fmt, h.formatter.datefmt,\n"
              "            [type(f).__name__ for f in h.filters]]\n")
    result, _ = run(client, create_function, source)
    assert result == ["LambdaLoggerHandler",
                      "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                      "%Y-%m-%dT%H:%M:%S", ["LambdaLoggerFilter"]]


@pytest.mark.parametrize("log_format", ["Text", "JSON"])
def test_a_formatter_the_code_sets_on_the_runtime_s_handler_writes_its_lines(client, create_function, log_format,
                                                                            process_root):
    # A common way to change the look of a function's log lines: the handler writes self.format(record).
    source = ("import logging\n"
              "logging.getLogger().handlers[0].setFormatter(logging.Formatter('%(levelname)s|%(aws_request_id)s|'\n"
              "                                                               '%(message)s'))\n"
              "def handler(event, context):\n"
              "    logging.warning('formatted')\n"
              "    return context.aws_request_id\n")
    request_id, lines = run(client, create_function, source, LoggingConfig={"LogFormat": log_format})
    assert f"WARNING|{request_id}|formatted" in lines


def test_the_code_s_own_root_handler_comes_after_the_runtime_s_and_sees_the_request_id(client, create_function,
                                                                                       process_root):
    source = ("import logging, sys\n"
              "mine = logging.StreamHandler(sys.stdout)\n"
              "mine.setFormatter(logging.Formatter('mine %(aws_request_id)s %(message)s'))\n"
              "logging.getLogger().addHandler(mine)\n"
              "def handler(event, context):\n"
              "    logging.warning('twice')\n"
              "    return [context.aws_request_id, [type(h).__name__ for h in logging.getLogger().handlers]]\n")
    (request_id, handlers), lines = run(client, create_function, source)
    assert handlers == ["LambdaLoggerHandler", "StreamHandler"]
    runtime_line = next(n for n, line in enumerate(lines) if line.startswith("[WARNING]"))
    assert lines[runtime_line].endswith(f"\t{request_id}\ttwice")
    assert lines[runtime_line + 1] == f"mine {request_id} twice"


def test_the_code_s_list_operations_on_the_root_s_handlers_are_on_its_own(client, create_function, process_root):
    source = ("import logging, sys\n"
              "root = logging.getLogger()\n"
              "root.handlers += [logging.StreamHandler(sys.stdout)]\n"
              "root.handlers[1].setFormatter(logging.Formatter('added %(message)s'))\n"
              "def handler(event, context):\n"
              "    logging.warning('seen')\n"
              "    root.handlers.reverse()\n"
              "    seen = [len(root.handlers), bool(root.handlers), root.hasHandlers(), len(root.handlers[:]),\n"
              "            len(copy.copy(root.handlers)), len(root.handlers + []), root.handlers != list(root.handlers),\n"
              "            type(root.handlers[0]).__name__]\n"
              "    root.handlers[:] = []\n"
              "    return seen + [len(root.handlers), type(root.handlers).__name__]\n")
    result, lines = run(client, create_function, source.replace("import logging, sys", "import copy, logging, sys"))
    assert result == [2, True, True, 2, 2, 2, False, "StreamHandler", 0, "list"]
    assert "added seen" in lines


def test_json_records_do_not_carry_the_filter_s_names_as_extra_keys(client, create_function, process_root):
    source = ("import logging\n"
              "def handler(event, context):\n"
              "    logging.warning('plain', extra={'order': 7})\n")
    _, lines = run(client, create_function, source, LoggingConfig={"LogFormat": "JSON"})
    (document,) = [json.loads(line) for line in lines if '"plain"' in line]
    assert document["order"] == 7 and document["requestId"]
    assert not document.keys() & {"aws_request_id", "tenant_id"}


@pytest.mark.parametrize(("force", "handlers", "lines"), [(True, ["StreamHandler"], ["INFO:unconfigured:informed"]),
                                                          (False, ["LambdaLoggerHandler"], [])])
def test_basic_config_replaces_the_runtime_s_handler_only_when_forced(client, create_function, process_root, force,
                                                                      handlers, lines):
    # Python's rule: basicConfig does nothing while the root logger has handlers, "unless the keyword argument
    # force is set to True"; then it removes them, adds a StreamHandler on sys.stderr, which the runtime logs, and
    # sets the level (the function's root level, not the process's: process_root).
    source = ("import logging\n"
              "logging.basicConfig(level=logging.INFO, format='%(levelname)s:%(name)s:%(message)s',\n"
              f"                    force={force})\n"
              "def handler(event, context):\n"
              "    logging.getLogger('unconfigured').info('informed')\n"
              "    return [type(h).__name__ for h in logging.getLogger().handlers]\n")
    level = process_root.level
    process_root.setLevel(logging.WARNING)  # a Text function's level until its code sets one (see docs/logs)
    try:
        assert run(client, create_function, source) == (handlers, lines)
    finally:
        process_root.setLevel(level)


def test_basic_config_after_the_code_removed_the_handlers(client, create_function, process_root):
    source = ("import logging\n"
              "root = logging.getLogger()\n"
              "for h in list(root.handlers):\n    root.removeHandler(h)\n"
              "logging.basicConfig(format='configured %(message)s')\n"
              "def handler(event, context):\n"
              "    logging.warning('again')\n"
              "    return len(root.handlers)\n")
    count, lines = run(client, create_function, source)
    assert count == 1 and lines == ["configured again"]


def test_a_level_a_text_function_sets_on_the_root_logger_is_its_own(client, create_function, process_root):
    source = ("import logging\n"
              "logging.getLogger().setLevel(logging.DEBUG if __import__('os').environ.get('LOUD') else logging.ERROR)\n"
              "def handler(event, context):\n"
              "    logging.getLogger('unconfigured').info('informed')\n"
              "    return logging.getLogger().level\n")
    loud, loud_lines = run(client, create_function, source, "loud", Environment={"Variables": {"LOUD": "1"}})
    quiet, quiet_lines = run(client, create_function, source, "quiet")
    assert (loud, quiet) == (logging.DEBUG, logging.ERROR)
    assert [line.split("\t")[-1] for line in loud_lines] == ["informed"] and quiet_lines == []


def test_handlers_the_code_assigns_to_the_root_are_its_own(client, create_function, process_root):
    # A way to drop the runtime's handler before configuring one's own: on AWS the root logger is the process's.
    source = ("import logging\n"
              "logging.getLogger().handlers = []\n"
              "logging.basicConfig(format='own %(message)s')\n"
              "def handler(event, context):\n"
              "    logging.warning('configured')\n"
              "    logging.getLogger().handlers = []\n"
              "    logging.getLogger('unconfigured').warning('unhandled')\n")
    _, lines = run(client, create_function, source)
    assert lines == ["own configured", "unhandled"]  # the second through logging's lastResort


def test_handlers_the_test_assigns_to_the_root_leave_functions_theirs(client, create_function, process_root):
    source = ("import logging\n"
              "def handler(event, context):\n"
              "    logging.warning('still')\n"
              "    return [type(h).__name__ for h in logging.getLogger().handlers]\n")
    run(client, create_function, source)  # the mock's logging is in place from the first environment on
    saved = process_root.handlers
    process_root.handlers = []
    try:
        response = client.invoke(FunctionName="f", LogType="Tail")
        assert process_root.handlers == []
    finally:
        process_root.handlers = saved
    assert json.loads(response["Payload"].read()) == ["LambdaLoggerHandler"]
    assert "\tstill\n" in base64.b64decode(response["LogResult"]).decode()


# What AWS Lambda Powertools' Logger does as it configures its service's logger (aws_lambda_powertools/logging/
# logger.py, _init_logger): a handler of its own on the named logger, a SuppressFilter for the service on each of the
# root logger's handlers, and a mark on the logger, which is the process's, so that it is configured once.
POWERTOOLS_LIKE = {
    "aws_lambda_powertools/__init__.py": "",
    "aws_lambda_powertools/logging/__init__.py": (
        "import logging, sys\n"
        "from aws_lambda_powertools.logging.filters import SuppressFilter\n"
        "def Logger(service):\n"
        "    logger = logging.getLogger(service)\n"
        "    if not getattr(logger, 'init', False):\n"
        "        handler = logging.StreamHandler(sys.stdout)\n"
        "        handler.setFormatter(logging.Formatter('{\"message\": \"%(message)s\"}'))\n"
        "        logger.addHandler(handler)\n"
        "        logger.setLevel(logging.INFO)\n"
        "        for root_handler in logging.root.handlers:\n"
        "            root_handler.addFilter(SuppressFilter(service))\n"
        "        logger.init = True\n"
        "    return logger\n"),
    "aws_lambda_powertools/logging/filters.py": (
        "import logging\n"
        "class SuppressFilter(logging.Filter):\n"
        "    def __init__(self, logger):\n"
        "        self.logger = logger\n"
        "    def filter(self, record):\n"
        "        return self.logger not in record.name\n"),
}


def test_a_powertools_logger_s_records_are_written_once_in_every_environment(client, create_function, process_root):
    # The logger is configured in one environment only (it is the test process's), where on AWS each environment's
    # process configures it and filters its root handler again: environments started at once (three invocations
    # that wait for each other, so three environments), and one after the other.
    service = "lambdamock-test-service"
    source = ("import logging, threading\n"
              "from aws_lambda_powertools.logging import Logger\n"
              f"logger = Logger({service!r})\n"
              "def handler(event, context):\n"
              "    if event.get('together'):\n"
              "        threading.lambdamock_test_barrier.wait()\n"
              "    logger.info('once')\n"
              "    logging.getLogger('other').warning('other logger')\n")
    code = {"ZipFile": package({"app.py": source, **POWERTOOLS_LIKE})}
    create_function("together", Handler="app.handler", Code=code)
    threading.lambdamock_test_barrier = threading.Barrier(3, timeout=30)  # type: ignore[attr-defined]
    configured = logging.getLogger(service)
    try:
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            responses = list(pool.map(lambda _: client.invoke(FunctionName="together", LogType="Tail",
                                                              Payload=b'{"together": true}'), range(3)))
        logs = [base64.b64decode(response["LogResult"]).decode() for response in responses]
        for name in ("first", "second"):
            create_function(name, Handler="app.handler", Code=code)
            logs.append(base64.b64decode(client.invoke(FunctionName=name, LogType="Tail")["LogResult"]).decode())
    finally:
        del threading.lambdamock_test_barrier  # type: ignore[attr-defined]
        configured.handlers.clear()  # the test process's logger, which the function configured
        vars(configured).pop("init", None)
    assert all("Init Duration" in log for log in logs)  # each a cold start
    for log in logs:
        assert [line for line in log.splitlines() if "once" in line] == ['{"message": "once"}']
        assert "\tother logger" in log  # another logger's


def test_a_logger_made_outside_the_hierarchy_writes_through_its_own_handlers_alone(client, create_function,
                                                                                  process_root):
    # logging.Logger("x") has no parent: the root's handlers (the runtime's) are not its.
    source = ("import logging, sys\n"
              "alone = logging.Logger('alone')\n"
              "mine = logging.StreamHandler(sys.stdout)\n"
              "mine.setFormatter(logging.Formatter('alone: %(message)s'))\n"
              "alone.addHandler(mine)\n"
              "def handler(event, context):\n"
              "    alone.warning('once')\n")
    _, lines = run(client, create_function, source)
    assert lines == ["alone: once"]


def test_a_list_the_test_assigns_to_the_root_is_the_root_s(client, create_function, process_root):
    run(client, create_function, "def handler(event, context):\n    return 1\n")  # the mock's logging in place
    saved, mine = process_root.handlers, []
    process_root.handlers = mine
    try:
        mine.append(logging.NullHandler())
        assert process_root.handlers is mine and len(process_root.handlers) == 1
    finally:
        process_root.handlers = saved


def test_a_root_logger_of_a_class_of_its_own_is_each_function_s_too(process_root):
    class Custom(logging.RootLogger):
        """A tool's root logger class."""

    source = ("import logging\n"
              "logging.getLogger().handlers = []\n"
              "logging.basicConfig(format='own %(message)s')\n"
              "def handler(event, context):\n"
              "    logging.warning('configured')\n")
    process_root.__class__ = Custom
    try:
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                   Code={"ZipFile": package({"app.py": source})})
            log = base64.b64decode(client.invoke(FunctionName="f", LogType="Tail")["LogResult"]).decode()
            assert isinstance(process_root, Custom)
        assert type(process_root) is Custom
    finally:
        process_root.__class__ = logging.RootLogger
    assert "\nown configured\n" in log


def test_a_record_a_function_s_thread_logs_after_its_invocation_reaches_the_process_s_handlers(
        client, create_function, process_root):
    # Its environment is idle then: no invocation's log to write to, but the test process's handlers (caplog) see it.
    source = ("import logging, threading\n"
              "def handler(event, context):\n"
              "    threading.lambdamock_test_later = threading.Event()\n"
              "    def later():\n"
              "        threading.lambdamock_test_later.wait(30)\n"
              "        logging.getLogger('unconfigured').warning('after the invocation')\n"
              "    threading.Thread(target=later).start()\n")
    seen: list[str] = []

    class Seen(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler = Seen()
    process_root.addHandler(handler)
    try:
        run(client, create_function, source)
        threading.lambdamock_test_later.set()  # type: ignore[attr-defined]
        wait_until(lambda: seen == ["after the invocation"])
    finally:
        process_root.removeHandler(handler)
        del threading.lambdamock_test_later  # type: ignore[attr-defined]


@pytest.mark.parametrize(("log_format", "datefmt"), [("Text", "%Y-%m-%dT%H:%M:%S"), ("JSON", "%Y-%m-%dT%H:%M:%SZ")])
def test_the_runtime_s_formatter_dates_in_utc(client, create_function, log_format, datefmt, process_root):
    # awslambdaric: bootstrap.py _setup_logging sets logging.Formatter.converter = time.gmtime, and gives the Text
    # formatter "%Y-%m-%dT%H:%M:%S"; lambda_runtime_log_utils.py's JsonFormatter has datefmt "%Y-%m-%dT%H:%M:%SZ".
    source = ("import logging, time\n"
              "def handler(event, context):\n"
              "    (h,) = logging.getLogger().handlers\n"
              "    return [h.formatter.datefmt, h.formatter.converter is time.gmtime]\n")
    result, _ = run(client, create_function, source, LoggingConfig={"LogFormat": log_format})
    assert result == [datefmt, True]


def test_a_logger_s_own_handler_level_and_propagation_are_heeded(client, create_function, process_root):
    # Python's logging: a handler takes records at its level and above; a logger that does not propagate keeps its
    # records from the root's handlers (the runtime's).
    name = "lambdamock-test-not-propagating"
    source = ("import io, logging\n"
              "written = io.StringIO()\n"
              "own = logging.StreamHandler(written)\n"
              "own.setLevel(logging.INFO)\n"
              f"logger = logging.getLogger({name!r})\n"
              "logger.setLevel(logging.INFO)\n"
              "logger.addHandler(own)\n"
              "logger.propagate = False\n"
              "def handler(event, context):\n"
              "    logger.info('at its handler level')\n"
              "    return written.getvalue()\n")
    try:
        result, lines = run(client, create_function, source)
    finally:
        logger = logging.getLogger(name)  # the test process's, which the function configured
        logger.handlers.clear()
        logger.propagate, logger.level = True, logging.NOTSET
    assert result == "at its handler level\n"
    assert not [line for line in lines if "at its handler level" in line]


def test_a_powertools_child_logger_s_records_are_written_once_and_an_unconfigured_service_s_again(client,
                                                                                                 create_function,
                                                                                                 process_root):
    # Powertools' child loggers are named "<service>.<module>" and write through the service's handler; its
    # SuppressFilter keeps them from the root's too. Once the service's logger has no handler of its own (here, as in
    # an environment of AWS's that never configured it), the root's handler writes its records again.
    service = "lambdamock-test-child-service"
    source = ("import logging\n"
              "from aws_lambda_powertools.logging import Logger\n"
              f"Logger({service!r})\n"
              f"child = logging.getLogger({service!r} + '.child')\n"
              "def handler(event, context):\n"
              "    child.info('from the child')\n")
    code = {"ZipFile": package({"app.py": source, **POWERTOOLS_LIKE})}
    configured = logging.getLogger(service)
    logs = []
    try:
        for name in ("first", "second"):  # the second environment finds the service's logger configured already
            create_function(name, Handler="app.handler", Code=code)
            logs.append(base64.b64decode(client.invoke(FunctionName=name, LogType="Tail")["LogResult"]).decode())
    finally:
        configured.handlers.clear()
        configured.level = logging.NOTSET
        vars(configured).pop("init", None)
    for log in logs:
        assert [line for line in log.splitlines() if "from the child" in line] == ['{"message": "from the child"}']
    plain = f"import logging\ndef handler(event, context):\n    logging.getLogger({service!r}).warning('plain')\n"
    _, lines = run(client, create_function, plain, name="plain")
    assert any(line.endswith("\tplain") for line in lines)


def test_the_runtime_s_filter_names_the_tenant_for_any_formatter(client, create_function, process_root):
    # awslambdaric bootstrap.py, LambdaLoggerFilter.filter: record.tenant_id = _GLOBAL_TENANT_ID, None outside
    # tenant isolation mode.
    source = ("import logging\n"
              "logging.getLogger().handlers[0].setFormatter(logging.Formatter('%(tenant_id)s|%(message)s'))\n"
              "def handler(event, context):\n"
              "    logging.warning('tenant')\n")
    _, lines = run(client, create_function, source)
    assert "None|tenant" in lines


def test_a_record_with_a_lone_surrogate_fails_its_logging_call(client, create_function, process_root):
    # awslambdaric bootstrap.py: LambdaLoggerHandler.emit calls the sink's log() unguarded, and
    # FramedTelemetryLogSink.log encodes the line with msg.encode("utf8"): the UnicodeEncodeError reaches the caller.
    source = ("import logging\n"
              "def handler(event, context):\n"
              "    try:\n"
              "        logging.warning('lone \\ud800 surrogate')\n"
              "    except UnicodeEncodeError:\n"
              "        return 'refused'\n")
    result, lines = run(client, create_function, source)
    assert result == "refused" and not [line for line in lines if "surrogate" in line]


def test_a_root_level_a_function_sets_leaves_the_test_process_s_loggers_as_they_were(client, create_function,
                                                                                     process_root):
    # On AWS each environment is a process of its own: its root level, and what its loggers make of it, are its own.
    name = "lambdamock-test-levels"
    source = ("import logging\n"
              f"log = logging.getLogger({name!r})\n"
              "def handler(event, context):\n"
              "    logging.getLogger().setLevel(logging.DEBUG)\n"
              "    return log.isEnabledFor(logging.DEBUG)\n")
    assert logging.getLogger().getEffectiveLevel() > logging.DEBUG
    result, _ = run(client, create_function, source)
    assert result is True
    assert not logging.getLogger(name).isEnabledFor(logging.DEBUG)


def test_logging_disable_holds_for_a_function_with_a_root_level_of_its_own(client, create_function, process_root):
    # Python's logging.disable(level) turns off records at that level and below, whatever the loggers' levels.
    source = ("import logging\n"
              "def handler(event, context):\n"
              "    logging.getLogger().setLevel(logging.INFO)\n"
              "    logging.disable(logging.WARNING)\n"
              "    try:\n"
              "        logging.warning('while disabled')\n"
              "    finally:\n"
              "        logging.disable(logging.NOTSET)\n"
              "    logging.warning('enabled again')\n")
    _, lines = run(client, create_function, source)
    assert not [line for line in lines if "while disabled" in line]
    assert [line for line in lines if "enabled again" in line]

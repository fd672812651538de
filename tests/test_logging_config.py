"""LoggingConfig through boto3: what Lambda fills in, merges and drops, what it refuses, and the root logger a
JSON-format function's code is given.

Recorded (unless a test says otherwise): LocalStack test_lambda_api.snapshot.json, TestLoggingConfig::*,
validated against AWS on 2025-11-25.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import re

import pytest

from lambdamock import package

TEXT = {"LogFormat": "Text", "LogGroup": "/aws/lambda/f"}
JSON = {"ApplicationLogLevel": "INFO", "LogFormat": "JSON", "LogGroup": "/aws/lambda/f", "SystemLogLevel": "INFO"}
# Quoted from Lambda by CloudFormation in aws/aws-cdk#28045 ("Json" as quoted there); not in a recording.
LEVELS_WITH_TEXT = (
    'LogLevel is not supported when LogFormat is set to "Text". '
    'Remove LogLevel from your request or change the LogFormat to "Json" and try again.'
)


def read_back(client) -> list[dict]:
    """The LoggingConfig as each read reports it: GetFunction, GetFunctionConfiguration, ListFunctions."""
    return [
        client.get_function(FunctionName="f")["Configuration"]["LoggingConfig"],
        client.get_function_configuration(FunctionName="f")["LoggingConfig"],
        client.list_functions()["Functions"][0]["LoggingConfig"],
    ]


def test_a_new_function_logs_text_to_its_own_group(client, create_function):
    # test_advanced_logging_configuration_format_switch "get_function_response", "function_config".
    assert create_function("f")["LoggingConfig"] == TEXT
    assert read_back(client) == [TEXT] * 3


def test_json_brings_info_levels_from_creation_on(client, create_function):
    # test_function_advanced_logging_configuration "create_response" (CreateFunctionResponse),
    # "get_function_response", "function_config".
    assert create_function("f", LoggingConfig={"LogFormat": "JSON"})["LoggingConfig"] == JSON
    assert read_back(client) == [JSON] * 3
    # "updated_config", "received_config": every member given, a custom group included.
    custom = {"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO", "LogGroup": "cool_lambda"}
    assert client.update_function_configuration(FunctionName="f", LoggingConfig=custom)["LoggingConfig"] == custom
    assert read_back(client) == [custom] * 3


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        # test_function_partial_advanced_logging_configuration_update[partial_config0..3] "updated_config".
        ({"LogFormat": "JSON"}, JSON),
        ({"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG"}, {**JSON, "ApplicationLogLevel": "DEBUG"}),
        ({"LogFormat": "JSON", "SystemLogLevel": "DEBUG"}, {**JSON, "SystemLogLevel": "DEBUG"}),
        ({"LogGroup": "cool_lambda"}, {**TEXT, "LogGroup": "cool_lambda"}),
    ],
)
def test_a_partial_update_merges(client, create_function, update, expected):
    create_function("f")
    assert client.update_function_configuration(FunctionName="f", LoggingConfig=update)["LoggingConfig"] == expected
    assert read_back(client) == [expected] * 3


def test_switching_back_to_text_drops_the_levels(client, create_function):
    # test_advanced_logging_configuration_format_switch "updated_config", then "updated_config_v2".
    create_function("f")
    client.update_function_configuration(FunctionName="f", LoggingConfig={"LogFormat": "JSON", "SystemLogLevel": "WARN"})
    assert client.update_function_configuration(FunctionName="f", LoggingConfig={"LogFormat": "Text"})[
        "LoggingConfig"
    ] == TEXT
    assert read_back(client) == [TEXT] * 3
    # Back to JSON: the dropped levels start again from INFO.
    client.update_function_configuration(FunctionName="f", LoggingConfig={"LogFormat": "JSON"})
    assert read_back(client) == [JSON] * 3


def test_a_json_function_keeps_its_levels_through_other_updates(client, create_function):
    # The merge rule of the partial updates above, applied to a JSON function.
    create_function("f", LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "ERROR"})
    client.update_function_configuration(FunctionName="f", LoggingConfig={"LogGroup": "cool_lambda"})
    client.update_function_configuration(FunctionName="f", Description="d")
    assert read_back(client) == [{**JSON, "ApplicationLogLevel": "ERROR", "LogGroup": "cool_lambda"}] * 3


def test_published_versions_keep_the_config_they_were_published_with(client, create_function):
    create_function("f", LoggingConfig={"LogFormat": "JSON"})
    client.publish_version(FunctionName="f")
    client.update_function_configuration(FunctionName="f", LoggingConfig={"LogFormat": "Text"})
    assert client.get_function_configuration(FunctionName="f", Qualifier="1")["LoggingConfig"] == JSON
    assert client.get_function_configuration(FunctionName="f")["LoggingConfig"] == TEXT


@pytest.mark.parametrize(
    "logging_config",
    [
        {"LogFormat": "Text", "ApplicationLogLevel": "DEBUG"},
        {"LogFormat": "Text", "SystemLogLevel": "INFO"},
        {"SystemLogLevel": "DEBUG"},  # the format stays Text
    ],
)
def test_levels_with_text_are_refused(client, create_function, aws_error, logging_config):
    create_function("f")
    with aws_error(client, "InvalidParameterValueException", LEVELS_WITH_TEXT):
        client.update_function_configuration(FunctionName="f", LoggingConfig=logging_config)
    with aws_error(client, "InvalidParameterValueException", LEVELS_WITH_TEXT):
        create_function("g", LoggingConfig=logging_config)


def test_an_unknown_format_is_a_validation_error(client, raw_client, create_function, aws_error):
    # Not recorded: the model's enum, in the standard form of AWS's validation messages.
    create_function("f")
    message = (
        "1 validation error detected: Value 'xml' at 'loggingConfig.logFormat' failed to satisfy constraint: "
        "Member must satisfy enum value set: [JSON, Text]"
    )
    with aws_error(raw_client, "ValidationException", message, typed=False):
        raw_client.update_function_configuration(FunctionName="f", LoggingConfig={"LogFormat": "xml"})


LEVELS = (
    "import logging, os\n"
    "if os.environ.get('QUIET'):\n"
    "    logging.getLogger().setLevel(logging.ERROR)\n"
    "def handler(event, context):\n"
    "    root = logging.getLogger()\n"
    "    root.info('informed'); root.warning('warned'); root.error('erred')\n"
    "    return [root.level, root.getEffectiveLevel(), logging.getLogger('child').getEffectiveLevel()]\n"
)


def run_levels(client, create_function, name: str, **settings) -> tuple[list[int], str]:
    create_function(name, Handler="app.handler", Code={"ZipFile": package({"app.py": LEVELS})}, **settings)
    response = client.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
    return json.loads(response["Payload"].read()), base64.b64decode(response["LogResult"]).decode()


@pytest.mark.parametrize(("level", "number"), [("INFO", 20), ("DEBUG", 10), ("ERROR", 40), ("TRACE", 10)])
def test_a_json_function_s_root_logger_is_at_its_application_level(client, create_function, level, number):
    # The runtime sets it: awslambdaric bootstrap.py, _setup_logging, logger.setLevel(AWS_LAMBDA_LOG_LEVEL), where
    # lambda_runtime_log_utils.py's _get_log_level_from_env_var makes TRACE DEBUG (Python has no TRACE).
    before = logging.getLogger().level
    levels, _ = run_levels(client, create_function, "f",
                           LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": level})
    assert levels == [number] * 3
    assert logging.getLogger().level == before  # the test process's root logger is its own


@pytest.mark.parametrize(("logging_config", "level"), [({"LogFormat": "JSON"}, "INFO"),
                                                      ({"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG"}, "DEBUG")])
def test_a_json_function_s_runtime_is_given_its_format_and_application_level(client, create_function, logging_config,
                                                                            level):
    # What Python's runtime reads them from: awslambdaric bootstrap.py, os.environ "AWS_LAMBDA_LOG_FORMAT" (JSON) and
    # "AWS_LAMBDA_LOG_LEVEL"; Lambda sets them from the LoggingConfig, whose ApplicationLogLevel is INFO unless given
    # (recorded: test_function_advanced_logging_configuration, as test_json_brings_info_levels_from_creation_on).
    source = ("import os\ndef handler(event, context):\n"
              "    return [os.environ.get('AWS_LAMBDA_LOG_FORMAT'), os.environ.get('AWS_LAMBDA_LOG_LEVEL')]\n")
    create_function("f", Handler="app.handler", Code={"ZipFile": package({"app.py": source})},
                    LoggingConfig=logging_config)
    assert json.loads(client.invoke(FunctionName="f")["Payload"].read()) == ["JSON", level]


def test_a_text_function_s_runtime_is_given_neither_json_nor_a_level(client, create_function):
    # awslambdaric bootstrap.py, _setup_logging: AWS_LAMBDA_LOG_FORMAT JSON would make its records JSON, and a level
    # in AWS_LAMBDA_LOG_LEVEL would set the root logger's; a Text function's records are "[LEVEL]\t..." lines and its
    # root logger keeps Python's WARNING (see test_function_root_logger.py).
    source = ("import os\ndef handler(event, context):\n"
              "    return [os.environ.get('AWS_LAMBDA_LOG_FORMAT'), os.environ.get('AWS_LAMBDA_LOG_LEVEL')]\n")
    create_function("f", Handler="app.handler", Code={"ZipFile": package({"app.py": source})})
    log_format, level = json.loads(client.invoke(FunctionName="f")["Payload"].read())
    assert log_format != "JSON"
    assert level not in ("TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL")


@pytest.mark.parametrize(("variable", "number"), [("INFO", 20), ("debug", 10), ("TRACE", 10), ("WARN", 30)])
def test_a_text_function_s_aws_lambda_log_level_variable_sets_its_root_level(client, create_function, variable,
                                                                             number):
    # awslambdaric bootstrap.py, _setup_logging: logger.setLevel(AWS_LAMBDA_LOG_LEVEL) whatever the format, the name
    # upper-cased and TRACE made DEBUG by lambda_runtime_log_utils.py's _get_log_level_from_env_var
    # (aws/aws-lambda-python-runtime-interface-client#111, "Use AWS_LAMBDA_LOG_LEVEL env var to set log level for
    # text format"). The variable is the function's own: Lambda reserves it not.
    before = logging.getLogger().level
    levels, log = run_levels(client, create_function, "f", Environment={"Variables": {"AWS_LAMBDA_LOG_LEVEL": variable}})
    assert levels == [number] * 3
    assert ("\tinformed" in log) is (number <= 20) and "\twarned" in log
    assert logging.getLogger().level == before  # the test process's root logger is its own


def test_a_text_function_s_unknown_aws_lambda_log_level_leaves_its_root_level(client, create_function):
    # awslambdaric bootstrap.py, _setup_logging: a name that is none of logging's levels is not set.
    before = logging.getLogger().level
    levels, _ = run_levels(client, create_function, "f", Environment={"Variables": {"AWS_LAMBDA_LOG_LEVEL": "LOUD"}})
    assert levels[0] == before


def test_a_json_function_s_code_sets_its_own_root_level(client, create_function):
    # On AWS the root logger is its process's own: a level the function's code sets holds, and records below it
    # are not made, whatever ApplicationLogLevel lets through. Another function keeps its own.
    before = logging.getLogger().level
    quiet, quiet_log = run_levels(client, create_function, "quiet", LoggingConfig={"LogFormat": "JSON"},
                                  Environment={"Variables": {"QUIET": "1"}})
    loud, loud_log = run_levels(client, create_function, "loud", LoggingConfig={"LogFormat": "JSON"})
    assert quiet == [40] * 3 and loud == [20] * 3
    messages = [json.loads(line).get("message") for line in quiet_log.splitlines() if '"level"' in line]
    assert messages == ["erred"]
    assert '"warned"' in loud_log and '"informed"' in loud_log
    assert logging.getLogger().level == before


def test_a_json_tail_starts_at_the_start_record_as_a_text_one_does(client, create_function):
    # A Text tail has no INIT_START on a cold start (recorded: LocalStack test_lambda.snapshot.json,
    # TestLambdaBehavior::test_invocation_with_logs); JSON renders the same platform event as platform.initStart,
    # which the tail leaves out likewise. CloudWatch Logs gets it (test_cloudwatch_logs).
    _, text_log = run_levels(client, create_function, "text")
    _, json_log = run_levels(client, create_function, "json", LoggingConfig={"LogFormat": "JSON"})
    assert text_log.startswith("START RequestId: ")
    assert json.loads(json_log.splitlines()[0])["type"] == "platform.start"


def cold_then_warm(client, create_function, lambda_mock, name: str, source: str, **settings) -> list:
    """Two invocations of a new function (``source`` as app.py): their log events' messages, each."""
    create_function(name, Handler="app.handler", Code={"ZipFile": package({"app.py": source})}, **settings)
    for _ in range(2):
        client.invoke(FunctionName=name, Payload=b"{}")
    return [[message for _, message in invocation.log_events] for invocation in lambda_mock.invocations[-2:]]


SLOW_INIT = "import time\ntime.sleep(0.05)\ndef handler(event, context):\n    return 1\n"


def test_a_cold_start_s_billed_duration_takes_its_init_in(client, create_function, lambda_mock):
    # AWS bills init since August 2025 ("Lambda standardizes billing for INIT phase"); REPORT lines show it, as
    # captured in 2026: "Duration: 3000.00 ms\tBilled Duration: 3403 ms\t...\tInit Duration: 402.04 ms", and
    # JSON: "durationMs":3923.569,"billedDurationMs":4069,...,"initDurationMs":145.399.
    cold, warm = cold_then_warm(client, create_function, lambda_mock, "text", SLOW_INIT)
    report = re.search(r"Duration: ([\d.]+) ms\tBilled Duration: (\d+) ms\t.*Init Duration: ([\d.]+) ms", cold[-1])
    assert report, cold[-1]
    duration, billed, init = float(report[1]), int(report[2]), float(report[3])
    assert init >= 50 and billed == math.ceil(duration + init)
    assert "Init Duration" not in warm[-1]
    cold, _ = cold_then_warm(client, create_function, lambda_mock, "json", SLOW_INIT,
                             LoggingConfig={"LogFormat": "JSON"})
    metrics = json.loads(cold[-1])["record"]["metrics"]
    assert metrics["billedDurationMs"] == math.ceil(metrics["durationMs"] + metrics["initDurationMs"])


def test_a_cold_start_s_duration_is_the_handler_s_and_its_init_is_reported_apart(client, create_function,
                                                                              lambda_mock):
    # As captured from AWS in 2026 (see above): a cold start that timed out after 3 s reads "Duration: 3000.00 ms"
    # beside "Init Duration: 402.04 ms", so Duration leaves init out.
    source = "import time\ntime.sleep(0.3)\ndef handler(event, context):\n    return 1\n"
    cold, _ = cold_then_warm(client, create_function, lambda_mock, "f", source)
    report = re.search(r"\tDuration: ([\d.]+) ms\t.*\tInit Duration: ([\d.]+) ms", cold[-1])
    assert report, cold[-1]
    assert float(report[2]) >= 300 > float(report[1])
    record = lambda_mock.invocations[-2]
    assert record.init_duration_ms >= 300 > record.duration_ms


def test_lambda_s_own_json_records_are_compact_and_init_start_names_the_instance(client, create_function,
                                                                                 lambda_mock):
    # As captured from AWS in 2026: {"time":"...","type":"platform.initStart","record":{...,"functionVersion":
    # "$LATEST","instanceId":"2026/10/08/<function>[$LATEST]829a...","instanceMaxMemory":268435456}}.
    cold, _ = cold_then_warm(client, create_function, lambda_mock, "f", SLOW_INIT, MemorySize=256,
                             LoggingConfig={"LogFormat": "JSON"})
    platform = [message for message in cold if '"type":"platform.' in message]
    assert [json.loads(message)["type"] for message in platform] == [
        "platform.initStart", "platform.start", "platform.report"]
    assert all(", " not in message and '": ' not in message for message in platform)
    record = json.loads(platform[0])["record"]
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/f\[\$LATEST\][0-9a-f]{32}", record["instanceId"]), record
    assert record["instanceMaxMemory"] == 256 * 1024 * 1024


def test_a_printed_level_counts_only_with_an_rfc_3339_timestamp(client, create_function, lambda_mock):
    # AWS's log-level filtering guide: "If you don't supply a valid timestamp, Lambda will assign the log the
    # level INFO". RFC 3339's date-time: the fraction of a second is optional, and the offset is Z or +hh:mm / -hh:mm.
    stamps = {"dated": "2024-11-02T16:51:31.587199Z", "whole seconds": "2024-11-02T16:51:31Z",
              "offset": "2024-11-02T16:51:31.5+01:00", "undated": None, "badly dated": "yesterday",
              "no offset": "2024-11-02T16:51:31.5"}
    lines = [json.dumps({"level": "debug", "msg": msg, **({"timestamp": stamp} if stamp else {})})
             for msg, stamp in stamps.items()]
    source = f"def handler(event, context):\n    for line in {lines!r}:\n        print(line)\n"
    cold, _ = cold_then_warm(client, create_function, lambda_mock, "f", source,
                             LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "INFO"})
    printed = [json.loads(message)["msg"] for message in cold if '"msg"' in message]
    assert printed == ["undated", "badly dated", "no offset"]


def test_a_cold_start_that_times_out_reports_its_init(client, create_function, lambda_mock):
    # As captured from AWS in 2026: "REPORT ... Duration: 3000.00 ms\tBilled Duration: 3403 ms\t...\t
    # Init Duration: 402.04 ms\tStatus: timeout".
    source = "import time\ndef handler(event, context):\n    time.sleep(2)\n"
    create_function("slow", Handler="app.handler", Timeout=1, Code={"ZipFile": package({"app.py": source})})
    client.invoke(FunctionName="slow", Payload=b"{}")
    report = lambda_mock.invocations[-1].log_events[-1][1]
    assert re.fullmatch(r"REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\t"
                        r"Max Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\tStatus: timeout\n", report), report


def printed_levels(client, create_function, lambda_mock, level: str) -> list:
    """The ``msg`` of each printed JSON line kept at ApplicationLogLevel ``level``, of a function that prints one
    dated line per level, a dated line with an unknown level and a line that is not JSON, then logs one record at
    ERROR and one at CRITICAL."""
    lines = [json.dumps({"level": name, "msg": name, "timestamp": "2024-11-02T16:51:31.587199Z"})
             for name in ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "verbose")]
    source = ("import logging\n"
              "def handler(event, context):\n"
              f"    for line in {lines!r}:\n        print(line)\n"
              "    print('{not json')\n"
              "    logging.getLogger().error('logged error')\n    logging.getLogger().critical('logged critical')\n")
    name = level.lower()
    create_function(name, Handler="app.handler", Code={"ZipFile": package({"app.py": source})},
                    LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": level})
    client.invoke(FunctionName=name, Payload=b"{}")
    kept = []
    for _, message in lambda_mock.invocations[-1].log_events:
        if message.startswith("{not json"):
            kept.append("not json")
        elif message.startswith("{") and '"type":"platform.' not in message:
            document = json.loads(message)
            kept.append(document.get("msg") or document["message"])
    return kept


def test_trace_is_the_most_detailed_application_level_and_fatal_the_least(client, create_function, lambda_mock):
    # "Lambda only sends application logs at the selected level of detail and lower, where TRACE is the highest
    # level and FATAL is the lowest" (botocore's model, LoggingConfig.ApplicationLogLevel). A printed line whose
    # "level" is invalid, or that is no JSON, is INFO (AWS's log-level filtering guide: "If the "level" value field
    # is invalid or missing, Lambda will assign the log output the level INFO").
    everything = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "verbose", "not json",
                  "logged error", "logged critical"]
    assert printed_levels(client, create_function, lambda_mock, "TRACE") == everything
    assert printed_levels(client, create_function, lambda_mock, "DEBUG") == everything[1:]
    assert printed_levels(client, create_function, lambda_mock, "INFO") == everything[2:]
    # A record's Python level is Lambda's rounded down to tens: CRITICAL is FATAL's 50.
    assert printed_levels(client, create_function, lambda_mock, "FATAL") == ["FATAL", "logged critical"]


def test_a_json_record_has_the_runtime_s_keys_in_their_order(client, create_function, lambda_mock):
    # The Python runtime's JsonFormatter (awslambdaric, lambda_runtime_log_utils.py): "timestamp" to the second,
    # the level rounded down to tens and named by logging ("CRITICAL", a level of 25 is "INFO"), then "message",
    # "logger", the exception's "stackTrace", "errorType", "errorMessage", "requestId" and its "location"; then the
    # record's other attributes (``extra=``) that are not the runtime's own keys; None values left out; non-ASCII
    # text as it is (ensure_ascii=False). A value JSON cannot hold is written as its str() (docs/logs.md: lambdamock's
    # own, where the runtime's formatter would raise).
    source = ("import datetime, logging\n"
              "def handler(event, context):\n"
              "    extra = {'requestId': 'mine', 'gone': None, 'kept': [1], 'day': datetime.date(2024, 1, 2)}\n"
              "    try:\n        1 / 0\n"
              "    except ZeroDivisionError:\n"
              "        logging.getLogger('app').exception('caf\\u00e9 %s', 1, extra=extra)\n"
              "    log = logging.getLogger('app')\n"
              "    log.log(25, 'between')\n    log.critical('worst')\n")
    create_function("f", Handler="app.handler", Code={"ZipFile": package({"app.py": source})},
                    LoggingConfig={"LogFormat": "JSON"})
    request_id = client.invoke(FunctionName="f", Payload=b"{}")["ResponseMetadata"]["RequestId"]
    messages = [message for _, message in lambda_mock.invocations[-1].log_events
                if message.startswith("{") and '"type":"platform.' not in message]
    assert "\u00e9" in messages[0] and all(message.endswith("}\n") for message in messages)
    failed, between, worst = (json.loads(message) for message in messages)
    assert list(failed) == ["timestamp", "level", "message", "logger", "stackTrace", "errorType", "errorMessage",
                            "requestId", "location", "kept", "day"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", failed["timestamp"])
    assert {key: value for key, value in failed.items() if key not in ("timestamp", "stackTrace")} == {
        "level": "ERROR", "message": "caf\u00e9 1", "logger": "app", "errorType": "ZeroDivisionError",
        "errorMessage": "division by zero", "requestId": request_id, "location": "/var/task/app.py:handler:7",
        "kept": [1], "day": "2024-01-02"}
    assert failed["stackTrace"][0].startswith('  File "/var/task/app.py", line 5, in handler\n')
    assert list(between) == ["timestamp", "level", "message", "logger", "requestId"]
    assert (between["level"], worst["level"]) == ("INFO", "CRITICAL")


def test_system_level_debug_adds_the_runtime_done_records(client, create_function, lambda_mock):
    # AWS's log-level filtering guide: platform.initRuntimeDone and platform.runtimeDone are DEBUG records (and a
    # successful init's platform.initReport), the others INFO. Their records are the Telemetry API's (its schema
    # reference): initStart names the init's type and phase, the runtime and the function (its version stand-in as
    # in INIT_START: test_cloudwatch_logs); runtimeDone names the request, its status and metrics (durationMs,
    # producedBytes: the response's size); report its metrics and status.
    source = "def handler(event, context):\n    return 'abc'\n"
    create_function("f", Handler="app.handler", Code={"ZipFile": package({"app.py": source})}, MemorySize=256,
                    LoggingConfig={"LogFormat": "JSON", "SystemLogLevel": "DEBUG"})
    request_id = client.invoke(FunctionName="f", Payload=b"{}")["ResponseMetadata"]["RequestId"]
    records = [json.loads(message) for _, message in lambda_mock.invocations[-1].log_events]
    assert [record["type"] for record in records] == [
        "platform.initStart", "platform.initRuntimeDone", "platform.initReport", "platform.start",
        "platform.runtimeDone", "platform.report"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["time"]) for record in records)
    by_type = {record["type"]: record["record"] for record in records}
    arn = client.get_function_configuration(FunctionName="f")["RuntimeVersionConfig"]["RuntimeVersionArn"]
    assert {key: value for key, value in by_type["platform.initStart"].items() if key != "instanceId"} == {
        "initializationType": "on-demand", "phase": "init", "runtimeVersion": "python:3.12.v40",
        "runtimeVersionArn": arn, "functionName": "f", "functionVersion": "$LATEST",
        "instanceMaxMemory": 256 * 1024 * 1024}
    assert by_type["platform.initRuntimeDone"] == {"initializationType": "on-demand", "phase": "init",
                                                   "status": "success"}
    init_report = by_type["platform.initReport"]
    assert list(init_report) == ["initializationType", "phase", "status", "metrics"]
    assert init_report["status"] == "success" and list(init_report["metrics"]) == ["durationMs"]
    done = by_type["platform.runtimeDone"]
    assert (done["requestId"], done["status"]) == (request_id, "success")
    assert done["metrics"]["producedBytes"] == len(b'"abc"')
    report = by_type["platform.report"]
    assert (report["requestId"], report["status"]) == (request_id, "success")
    metrics = report["metrics"]
    assert list(metrics) == ["durationMs", "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB", "initDurationMs"]
    assert metrics["memorySizeMB"] == 256 and 0 < metrics["maxMemoryUsedMB"] <= 256
    assert metrics["initDurationMs"] == init_report["metrics"]["durationMs"]
    # Warm: no init, and no initDurationMs.
    client.invoke(FunctionName="f", Payload=b"{}")
    warm = [json.loads(message) for _, message in lambda_mock.invocations[-1].log_events]
    assert [record["type"] for record in warm] == ["platform.start", "platform.runtimeDone", "platform.report"]
    assert "initDurationMs" not in warm[-1]["record"]["metrics"]


def test_a_printed_line_without_its_newline_is_filtered_by_its_level_too(client, create_function, lambda_mock):
    # Text written without a final newline is an event of its own when a logging record follows it, or when the
    # invocation ends; its printed level counts as any printed line's does (AWS's log-level filtering guide).
    before, end = (json.dumps({"level": "debug", "msg": msg, "timestamp": "2024-11-02T16:51:31Z"})
                   for msg in ("before a record", "at the end"))
    source = ("import logging, sys\n"
              "def handler(event, context):\n"
              f"    sys.stdout.write({before!r})\n"
              "    logging.getLogger().warning('record')\n"
              f"    sys.stdout.write({end!r})\n")
    cold, _ = cold_then_warm(client, create_function, lambda_mock, "f", source,
                             LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "INFO"})
    application = [json.loads(message) for message in cold if '"type":"platform.' not in message]
    assert [document.get("msg") or document.get("message") for document in application] == ["record"]


def test_events_are_stamped_in_the_order_they_were_written(client, create_function, lambda_mock):
    # A line printed after a logging record is no older than the record, though the record was made 5 ms into the
    # invocation (CloudWatch Logs keeps a stream's events in time order).
    source = ("import logging, time\n"
              "def handler(event, context):\n"
              "    started = time.time()\n"
              "    while time.time() < started + 0.005:\n        pass\n"
              "    logging.getLogger().warning('record')\n"
              "    print('printed after')\n")
    create_function("f", Handler="app.handler", Code={"ZipFile": package({"app.py": source})})
    client.invoke(FunctionName="f", Payload=b"{}")
    events = lambda_mock.invocations[-1].log_events
    [record] = [stamp for stamp, message in events if message.endswith("\trecord\n")]
    [printed] = [stamp for stamp, message in events if message == "printed after\n"]
    [start] = [stamp for stamp, message in events if message.startswith("START RequestId: ")]
    assert printed >= record >= start + 5
    assert [stamp for stamp, _ in events] == sorted(stamp for stamp, _ in events)

"""LoggingConfig through boto3: what Lambda fills in, merges and drops, what it refuses, and the root logger a
JSON-format function's code is given.

Recorded (unless a test says otherwise): LocalStack test_lambda_api.snapshot.json, TestLoggingConfig::*,
validated against AWS on 2025-11-25.
"""

from __future__ import annotations

import base64
import json
import logging

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


@pytest.mark.parametrize(("level", "number"), [("INFO", 20), ("DEBUG", 10), ("ERROR", 40)])
def test_a_json_function_s_root_logger_is_at_its_application_level(client, create_function, level, number):
    # The runtime sets it: awslambdaric bootstrap.py, _setup_logging, logger.setLevel(AWS_LAMBDA_LOG_LEVEL).
    before = logging.getLogger().level
    levels, _ = run_levels(client, create_function, "f",
                           LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": level})
    assert levels == [number] * 3
    assert logging.getLogger().level == before  # the test process's root logger is its own


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

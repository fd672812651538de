"""moto's Step Functions, running a state machine, invoke lambdamock's functions from its Task states.

moto runs a state machine only when asked (``mock_aws(config={"stepfunctions": {"execute_state_machine":
True}})``), on a thread of its own, and calls Lambda's Invoke through a boto3 client it makes for the
purpose: lambdamock answers that call as any other. The error names a Catch matches are AWS's: the
function's ``errorType`` for a direct function ARN and for ``arn:aws:states:::lambda:invoke`` alike
("Handling errors in Step Functions workflows", "Invoke Lambda with Step Functions").
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import boto3
import pytest

pytest.importorskip("antlr4", reason="moto runs state machines with its stepfunctions extra")

from moto import mock_aws
from moto.core.config import default_user_config

from lambdamock import mock_lambda, package
from tests.helpers import moto_role, wait_until

REGION = "us-east-1"
DOUBLE = "def handler(event, context):\n    return {'n': event['n'] * 2}\n"
FAILS = "class OrderRejected(Exception):\n    pass\n\ndef handler(event, context):\n    raise OrderRejected(str(event['n']))\n"
RUN = {"stepfunctions": {"execute_state_machine": True}}
pytestmark = pytest.mark.skipif("stepfunctions" not in default_user_config,
                                reason="this moto does not run state machines (moto 5.0 only stores them)")


@pytest.fixture(params=[True, False], ids=["lambdamock-outer", "moto-outer"])
def mock(request: pytest.FixtureRequest) -> Iterator[Any]:
    lambdas, aws = mock_lambda(), mock_aws(config=RUN)
    outer, inner = (lambdas, aws) if request.param else (aws, lambdas)
    with outer, inner:
        yield lambdas


def function(name: str, source: str) -> str:
    return boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=name, Runtime="python3.12", Role=moto_role(), Handler="app.handler",
        Code={"ZipFile": package({"app.py": source})})["FunctionArn"]


def execute(states: dict[str, Any], start: str, document: dict[str, Any]) -> dict[str, Any]:
    """Run a state machine on ``document`` and give its finished execution (moto runs it on its own thread)."""
    sfn = boto3.client("stepfunctions", region_name=REGION)
    machine = sfn.create_state_machine(name=f"machine-{len(sfn.list_state_machines()['stateMachines'])}",
                                       definition=json.dumps({"StartAt": start, "States": states}),
                                       roleArn=moto_role())["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps(document))["executionArn"]
    wait_until(lambda: sfn.describe_execution(executionArn=execution)["status"] != "RUNNING", timeout=10)
    return sfn.describe_execution(executionArn=execution)


def test_a_task_state_runs_the_function_it_names(mock: Any) -> None:
    arn = function("double", DOUBLE)
    done = execute({"Double": {"Type": "Task", "Resource": arn, "End": True}}, "Double", {"n": 21})
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"n": 42}
    [run] = mock.invocations
    assert json.loads(run.event) == {"n": 21} and run.invocation_type == "RequestResponse"


def test_the_lambda_invoke_integration_passes_the_payload_and_returns_the_response(mock: Any) -> None:
    arn = function("double", DOUBLE)
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
            "Parameters": {"FunctionName": arn, "Payload.$": "$"}, "ResultSelector": {"doubled.$": "$.Payload"}}
    done = execute({"Double": task}, "Double", {"n": 4})
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"doubled": {"n": 8}}


@pytest.mark.parametrize("integration", [False, True], ids=["function-arn", "lambda-invoke"])
def test_a_catch_matches_the_error_type_the_handler_raised(mock: Any, integration: bool) -> None:
    arn = function("reject", FAILS)
    task: dict[str, Any] = {"Type": "Task", "End": True,
                            "Catch": [{"ErrorEquals": ["OrderRejected"], "Next": "Rejected"}]}
    if integration:
        task.update(Resource="arn:aws:states:::lambda:invoke", Parameters={"FunctionName": arn, "Payload.$": "$"})
    else:
        task["Resource"] = arn
    done = execute({"Order": task, "Rejected": {"Type": "Pass", "End": True}}, "Order", {"n": 7})
    assert done["status"] == "SUCCEEDED"
    caught = json.loads(done["output"])
    assert caught["Error"] == "OrderRejected"
    cause = json.loads(caught["Cause"])
    assert (cause["errorType"], cause["errorMessage"]) == ("OrderRejected", "7")
    assert mock.invocations[0].function_error == "Unhandled"

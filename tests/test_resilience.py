"""No background thread ever dies: whatever fails becomes that invocation's error, and work goes on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lambdamock import package
from lambdamock.runtime import archive
from tests.conftest import ACCOUNT, REGION
from tests.helpers import ROLE, wait_until

QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"
POISON = "poisoned.txt"  # a package holding this file cannot be put on disk (names are stored uncompressed)


@pytest.fixture
def poisoned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extraction fails for any package holding a POISON file, as a full disk or a vanished temp dir would."""
    real = archive.extract

    def extract(zips: list[bytes], root: str) -> None:
        if any(POISON.encode() in data for data in zips):
            raise OSError(28, "No space left on device")
        real(zips, root)

    monkeypatch.setattr(archive, "extract", extract)


def deploy(client: Any, name: str, source: str, poisoned: bool = False) -> None:
    files = {"app.py": source, **({POISON: "x"} if poisoned else {})}
    client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package(files)})


def test_poisoned_event_invocations_never_stop_healthy_ones(client: Any, lambda_mock: Any, poisoned: None) -> None:
    deploy(client, "sick", "def handler(event, context):\n    return 1\n", poisoned=True)
    deploy(client, "well", "def handler(event, context):\n    return event\n")
    for _ in range(130):  # more than there are background workers
        client.invoke(FunctionName="sick", InvocationType="Event", Payload=b"{}")
    for number in range(20):
        client.invoke(FunctionName="well", InvocationType="Event", Payload=json.dumps({"n": number}).encode())
    lambda_mock.wait(timeout=60)
    runs = lambda_mock.invocations
    healthy = sorted(run.result["n"] for run in runs if run.function_name == "well")
    assert healthy == list(range(20))
    sick = [run for run in runs if run.function_name == "sick"]
    assert len(sick) == 130 * 3, "each failed event is retried twice, as on AWS"
    assert {run.error["errorType"] for run in sick} == {"Runtime.Unknown"}
    assert "No space left on device" in sick[0].error["errorMessage"]
    # A synchronous call gets the same answer instead of a Python traceback.
    response = client.invoke(FunctionName="sick", Payload=b"{}")
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read())["errorType"] == "Runtime.Unknown"


def test_a_poisoned_mapping_delivers_once_the_code_is_fixed(client: Any, lambda_mock: Any, poisoned: None) -> None:
    queue = lambda_mock.queue(QUEUE, visibility_timeout=0.2)
    deploy(client, "worker", "def handler(event, context):\n    return None\n", poisoned=True)
    uuid = client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="worker")["UUID"]
    queue.send("job-1")
    wait_until(lambda: any(run.function_name == "worker" for run in lambda_mock.invocations), timeout=10)
    assert client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    client.update_function_code(FunctionName="worker",
                                ZipFile=package({"app.py": "def handler(event, context):\n    return 'done'\n"}))
    wait_until(lambda: any(run.result == "done" for run in lambda_mock.invocations), timeout=10)
    lambda_mock.wait()
    delivered = [run for run in lambda_mock.invocations if run.result == "done"]
    assert [json.loads(run.event)["Records"][0]["body"] for run in delivered] == ["job-1"]

"""Small builders shared by the tests."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import threading
import time
import zipfile
from typing import Any, Callable, Iterator, Optional

import boto3
import botocore.session
import pytest

from lambdamock import package
from lambdamock.runtime import cores

ROLE = "arn:aws:iam::123456789012:role/lambda-role"
# A role Lambda may assume: what CreateFunction asks of a role in moto's IAM while moto is active.
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
# The installed botocore's Lambda model: what lambdamock serves and validates against.
MODEL = botocore.session.get_session().get_service_model("lambda")


# Where lambdamock can narrow a thread to one core, and where that would show (more than one core to narrow from).
narrowable = pytest.mark.skipif(
    cores._current_cpu is None or len(os.sched_getaffinity(0)) < 2,
    reason="no thread is narrowed to one core here, or there is one core",
)


def ended_by_itself(child: int, within: float = 10) -> bool:
    """Wait for a forked child to end, killing it if it has not ``within`` seconds from now: whether it ended."""
    deadline = time.monotonic() + within
    while os.waitpid(child, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(child, 9)
            os.waitpid(child, 0)
            return False
        time.sleep(0.01)
    return True


def model_constraint(operation: str, member: str, key: str) -> object:
    """A constraint of ``member`` in the installed botocore model, which is what lambdamock enforces."""
    return MODEL.operation_model(operation).input_shape.members[member].metadata.get(key)


def recorded_pattern(operation: str, member: str, pattern: str) -> pytest.MarkDecorator:
    """Skip where this botocore's model predates the pattern AWS reports today (lambdamock echoes the model)."""
    return pytest.mark.skipif(
        model_constraint(operation, member, "pattern") != pattern,
        reason=f"this botocore's {operation}.{member} pattern is older than AWS's current one",
    )


def modeled(operation: str, member: Optional[str] = None) -> pytest.MarkDecorator:
    """Skip where this botocore's model predates ``operation`` (or its request ``member``)."""
    known = operation in MODEL.operation_names and (
        member is None or member in MODEL.operation_model(operation).input_shape.members
    )
    return pytest.mark.skipif(not known, reason=f"this botocore's model has no {operation} {member or ''}")


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.002)


def in_threads(work: Callable[[int], None], count: int, timeout: float = 60.0) -> None:
    """Run ``work(0)`` to ``work(count - 1)`` on threads at once; fail the test if any runs past ``timeout`` s."""
    threads = [threading.Thread(target=work, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "deadlock: threads did not finish"


def moto_role() -> str:
    """ROLE, made in moto's IAM (moto must be active); lambdamock checks roles there as AWS does in IAM."""
    import boto3

    iam = boto3.client("iam", region_name="us-east-1")
    with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
        iam.create_role(RoleName=ROLE.rsplit("/", 1)[1], AssumeRolePolicyDocument=TRUST)
    return ROLE


@contextlib.contextmanager
def moto_aws() -> Iterator[None]:
    """moto's ``mock_aws()``, its IAM holding ROLE."""
    from moto import mock_aws

    with mock_aws():
        moto_role()
        yield


def zip_with_links(files: dict[str, str], links: dict[str, str]) -> bytes:
    """A zip as `zip --symlinks` makes it: each link an entry of its own (a Unix S_IFLNK mode) holding its target."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as made:
        for name, text in files.items():
            made.writestr(name, text)
        for name, leads_to in links.items():
            entry = zipfile.ZipInfo(name)
            entry.create_system = 3
            entry.external_attr = 0o120777 << 16
            made.writestr(entry, leads_to)
    return buffer.getvalue()


# Function code that runs a call on a thread it starts and raises there what the call raised (or IndexError: none).
RUN_IN_THREAD = (
    "def run_in_thread(call):\n"
    "    failed = []\n"
    "    def run():\n"
    "        try:\n"
    "            call()\n"
    "        except Exception as error:\n"
    "            failed.append(error)\n"
    "    thread = threading.Thread(target=run)\n"
    "    thread.start()\n"
    "    thread.join(10)\n"
    "    raise failed[0]\n\n"
)


def deploy(source: str, name: str = "f", **extra: Any) -> Any:
    """A client of the active mock, with function ``name`` made of ``source`` as app.py (handler app.handler)."""
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source})}, **extra)
    return client


def call(client: Any, name: str = "f", **event: Any) -> tuple[Any, Any]:
    """Invoke ``name`` with ``event``: its FunctionError (or None) and its payload, decoded."""
    response = client.invoke(FunctionName=name, Payload=json.dumps(event))
    return response.get("FunctionError"), json.loads(response["Payload"].read())


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def list_all(client, **params):
    return [entry for page in client.get_paginator("list_functions").paginate(**params) for entry in page["Functions"]]


def validation(value: str, member: str, constraint: str) -> str:
    return f"1 validation error detected: Value {value} at '{member}' failed to satisfy constraint: {constraint}"

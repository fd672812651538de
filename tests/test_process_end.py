"""A function's process ends as on Lambda: with sys.exit's status."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.helpers import deploy


# What a parent reads of a process that sys.exit ends (python -c "import sys; sys.exit(300)"; echo $? gives 44).
# Lambda's wording of each, from LocalStack's AWS-recorded test_lambda.snapshot.json: "Runtime exited with error:
# exit status 127" (TestLambdaErrors::test_lambda_runtime_wrapper_not_found) and "Runtime exited without providing a
# reason" for status 0 (TestLambdaErrors::test_lambda_runtime_exit).
@pytest.mark.parametrize(("code", "reason"), [
    ("3", "exit status 3"),
    ("-1", "exit status 255"),
    ("300", "exit status 44"),
    ("True", "exit status 1"),
    ("256", "without providing a reason"),
    ("2**40 + 3", "exit status 3"),
    ("2**70", "exit status 255"),  # beyond a C long: Python ends with 255
    ("['no', 'config']", "exit status 1"),
])
@pytest.mark.parametrize("where", ["handler", "init"])
def test_sys_exit_ends_the_runtime_with_the_status_a_process_would_end_with(
    lambda_mock: Any, code: str, reason: str, where: str
) -> None:
    exiting = f"sys.exit({code})\n"
    source = "import sys\n" + (exiting if where == "init" else "") + "def handler(event, context):\n    " + exiting
    client = deploy(source)
    response = client.invoke(FunctionName="f", LogType="Tail")
    assert response["FunctionError"] == "Unhandled"
    body = response["Payload"].read().decode()
    assert f"Error: Runtime exited {'with error: ' if 'status' in reason else ''}{reason}\"" in body
    log = base64.b64decode(response["LogResult"]).decode()
    # Python prints a code that is no number to stderr as the process ends, in init as in the handler.
    assert ("['no', 'config']\n" in log) == code.startswith("[")

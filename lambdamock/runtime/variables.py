"""The environment variables an execution environment starts with: the runtime's, the configuration's, Lambda's."""

from __future__ import annotations

from typing import Dict, Optional, Tuple

from lambdamock.runtime.code import CodeDir
from lambdamock.runtime.payloads import python_version
from lambdamock.runtime.spec import FunctionSpec

# Names the folder that stands in for /opt when the function has layers.
OPT_VARIABLE = "LAMBDAMOCK_OPT"


def initial(spec: FunctionSpec, code: CodeDir, init_type: str, logs: Optional[Tuple[str, str]]) -> Dict[str, str]:
    """The variables of an environment of ``code``; ``logs`` are its log group and stream, None where Lambda sets
    no variables for them: "Not available in Lambda SnapStart functions" (AWS's SnapStart monitoring guide), as
    the context's log_group_name and log_stream_name are None there."""
    # What the Python runtime sets and a configuration may replace (LocalStack test_lambda.snapshot.json,
    # test_lambda_init_environment; AWS_XRAY_CONTEXT_MISSING and, since 2022, TZ are among the "unreserved
    # environment variables" of Lambda's guide). A PYTHONPATH is only shown: imports are set up by lambdamock.
    variables = {"LANG": "en_US.UTF-8", "PYTHONPATH": "/var/runtime", "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
                 "TZ": ":UTC"}
    variables.update(spec.environment)
    # Lambda's reserved variables. The role's credentials come from the runtime's owner (see Credentials):
    # where none are issued, the test process's own apply (moto's fake ones, for instance).
    variables.update(
        {
            "_HANDLER": spec.handler,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_REGION": spec.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
            "AWS_LAMBDA_INITIALIZATION_TYPE": init_type,
            # Lambda's runtime API and X-Ray daemon are at 169.254.100.1: loopback here, so that
            # nothing sent to them leaves the machine (a daemon address the configuration names too).
            "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
            "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
            "_AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1",
            "_AWS_XRAY_DAEMON_PORT": "2000",
            "LAMBDA_TASK_ROOT": code.root,
            "LAMBDA_RUNTIME_DIR": "/var/runtime",
        }
    )
    if logs is not None:
        variables["AWS_LAMBDA_LOG_GROUP_NAME"], variables["AWS_LAMBDA_LOG_STREAM_NAME"] = logs
    if python_version(spec.runtime) >= (3, 12):  # the runtimes built on Amazon Linux 2023
        # Recorded (LocalStack test_lambda_common.snapshot.json, test_introspection_invoke): python3.12 on
        # set it; python3.8 to 3.11, on Amazon Linux 2, do not.
        variables["LC_CTYPE"] = "C.UTF-8"
    if spec.logging.json:
        # What the Python runtime reads to write JSON and to set the root logger's level.
        variables["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        variables["AWS_LAMBDA_LOG_LEVEL"] = spec.logging.application_level or "INFO"
    if code.opt is not None:
        # What Lambda puts in /opt (the layers, merged in order) is here; not an AWS variable.
        variables[OPT_VARIABLE] = code.opt
    return variables

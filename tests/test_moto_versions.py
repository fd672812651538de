"""moto's modules as lambdamock wraps them: a moto that lacks what is wrapped (one before 5.1) fails with a plain
reason, never wrapt's own error; a moto imported again is wrapped again."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import moto
import pytest

from lambdamock import _moto


def _responses(**methods: Any) -> types.ModuleType:
    """A stand-in for an old moto's ``moto.s3.responses``: moto 4.2 and 5.0.0's S3Response had no put_object."""
    module = types.ModuleType("moto.s3.responses")
    module.S3Response = type("S3Response", (), methods)  # type: ignore[attr-defined]
    return module


def _wrapper(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    return ("wrapped", wrapped(*args, **kwargs))


def test_a_moto_without_what_is_wrapped_is_refused_with_its_version_and_the_way_out() -> None:
    (install,) = [install for module, install in _moto._installs() if module == "moto.s3.responses"]
    with pytest.raises(ImportError) as refused:
        install(_responses())
    assert str(refused.value).startswith(
        f"lambdamock works alongside moto 5.1 or later, and this moto ({moto.__version__}) lacks what it wraps in "
        "moto.s3.responses: ")
    assert "S3Response" in str(refused.value)  # what is missing, in wrapt's words
    assert str(refused.value).endswith("Upgrade it: pip install 'moto>=5.1'")


def test_a_moto_with_what_is_wrapped_is_wrapped() -> None:
    module = _responses(put_object=lambda self: "stored")
    _moto._plainly(_moto._installer([("S3Response.put_object", _wrapper)]))(module)
    assert module.S3Response().put_object() == ("wrapped", "stored")


def test_a_moto_imported_again_is_wrapped_again(tmp_path: Path) -> None:
    # pytester's inline runs, and other tools that put sys.modules back, drop the modules imported meanwhile. When
    # moto was first imported in such a run, the next import makes new modules, and wrapt's post-import hooks fire
    # once per name: before, nothing of the new moto was wrapped, so moto's own CloudWatch Logs looked for the function
    # in moto's Lambda and refused the subscription filter, and moto's stubber answered Lambda's requests too.
    script = textwrap.dedent("""
        import sys, time, boto3
        from lambdamock import mock_lambda, package
        from tests.helpers import ROLE, TRUST

        before, finders = set(sys.modules), list(sys.meta_path)  # what pytester puts back
        import moto  # imported in a run whose modules are dropped after it
        with moto.mock_aws(), mock_lambda():
            boto3.client("logs", region_name="us-east-1").describe_log_groups()
        for name in set(sys.modules) - before:
            del sys.modules[name]
        sys.meta_path[:] = finders

        import moto
        with moto.mock_aws(), mock_lambda() as mock:
            boto3.client("iam").create_role(RoleName=ROLE.rsplit("/", 1)[1], AssumeRolePolicyDocument=TRUST)
            lam, logs = boto3.client("lambda"), boto3.client("logs")
            arn = lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                      Code={"ZipFile": package({"app.py": "def handler(event, context): pass"})}
                                      )["FunctionArn"]
            logs.create_log_group(logGroupName="app")
            logs.create_log_stream(logGroupName="app", logStreamName="s1")
            lam.add_permission(FunctionName="f", StatementId="logs", Action="lambda:InvokeFunction",
                               Principal="logs.amazonaws.com",
                               SourceArn="arn:aws:logs:us-east-1:123456789012:log-group:app:*")
            logs.put_subscription_filter(logGroupName="app", filterName="all", filterPattern="", destinationArn=arn)
            logs.put_log_events(logGroupName="app", logStreamName="s1",
                                logEvents=[{"timestamp": int(time.time() * 1000), "message": "again"}])
            mock.wait()
            print(len(mock.invocations))
    """)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": ":".join(sys.path),
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"

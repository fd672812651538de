"""aiobotocore and aioboto3 clients at the process's edges: nothing escapes, nothing is asked of AWS's configuration
sources, and signing and credentials are aiobotocore's own.

Runs with tests/test_async.py, in the same environments (see its docstring).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from lambdamock import mock_lambda
from lambdamock.errors import NotServedError
from tests.aio_helpers import REGION, aio_client, aiobotocore_session, code
from tests.escapes import Proxy
from tests.helpers import ROLE


def test_nothing_escapes_from_async_clients(escapes: Proxy) -> None:
    async def scenario() -> None:
        early = aio_client()  # made before the mock starts
        with mock_lambda():
            async with early as client:
                await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE,
                                             Handler="app.handler", Code=code())
                await client.invoke(FunctionName="f", Payload=b"{}")
            async with aio_client(endpoint_url="https://lambda.example.com") as client:
                assert [f["FunctionName"] for f in (await client.list_functions())["Functions"]] == ["f"]

    asyncio.run(scenario())
    assert escapes.attempts == []


def test_a_service_that_shares_lambdas_endpoint_is_refused_from_async_clients(escapes: Proxy) -> None:
    session = aiobotocore_session.get_session()
    if "lambda-web" not in session.get_available_services():
        pytest.skip("this botocore has no model of Lambda Web Functions, which shares Lambda's endpoint")

    async def scenario() -> None:
        with mock_lambda():
            async with session.create_client("lambda-web", region_name=REGION) as client:
                with pytest.raises(NotServedError, match=r"^lambdamock does not serve the Lambda Web operation "
                                                         r"ListWebFunctions "):
                    await client.list_web_functions()

    asyncio.run(scenario())
    assert escapes.attempts == []


def test_private_aiobotocore_names_we_patch_exist() -> None:
    # Pinned: an aiobotocore release that renames these breaks the seam loudly here.
    import inspect

    from aiobotocore.session import AioSession

    assert list(inspect.signature(AioSession._create_client).parameters)[:2] == ["self", "service_name"]
    assert inspect.iscoroutinefunction(AioSession.get_credentials)
    from aiobotocore.utils import AioIMDSRegionProvider

    assert inspect.iscoroutinefunction(AioIMDSRegionProvider.provide)


def test_an_async_lambda_client_made_without_aws_configuration_asks_nobody_for_credentials(
        unconfigured: Proxy) -> None:
    async def scenario() -> Any:
        with mock_lambda():
            async with aio_client() as client:
                await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE,
                                             Handler="app.handler", Code=code())
                return json.loads(await (await client.invoke(FunctionName="f", Payload=b"[2]"))["Payload"].read())

    assert asyncio.run(scenario()) == [2]
    assert unconfigured.attempts == []


def test_an_async_lambda_client_in_the_auto_defaults_mode_asks_nobody_for_the_region(keyless: Proxy) -> None:
    # As with botocore's (tests/test_fail_closed.py): "auto" asks instance metadata for the region.
    async def scenario() -> Any:
        with mock_lambda():
            async with aio_client(config=Config(defaults_mode="auto")) as client:
                await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE,
                                             Handler="app.handler", Code=code())
                return json.loads(await (await client.invoke(FunctionName="f", Payload=b"[3]"))["Payload"].read())

    assert asyncio.run(scenario()) == [3]
    assert keyless.attempts == []

    async def unmocked() -> None:  # the proxy sees what a client made outside a mock asks
        async with aio_client(config=Config(defaults_mode="auto")):
            pass

    asyncio.run(unmocked())
    assert any("169.254.169.254" in attempt for attempt in keyless.attempts), keyless.attempts


def test_aiobotocore_imported_after_the_mock_started_is_served(tmp_path: Any) -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys
        from lambdamock import mock_lambda, package
        assert "aiobotocore.endpoint" not in sys.modules
        with mock_lambda():
            try:
                import aioboto3
                make = aioboto3.Session().client
            except ImportError:
                from aiobotocore.session import get_session
                make = get_session().create_client
            async def main():
                async with make("lambda", region_name="eu-west-1") as client:
                    return (await client.list_functions())["Functions"]
            print(asyncio.run(main()))
        """
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": ":".join(sys.path),
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


_SERVE = """
from aiobotocore.session import get_session
async def main():
    async with get_session().create_client("lambda", region_name="eu-west-1") as client:
        return (await client.list_functions())["Functions"]
print(asyncio.run(main()))
"""


@pytest.mark.parametrize("script", [
    pytest.param("""
before, finders = set(sys.modules), list(sys.meta_path)  # what pytester's inline run puts back after it
with mock_lambda():  # the inline run's own mock
    import aiobotocore.session
for name in set(sys.modules) - before:
    del sys.modules[name]
sys.meta_path[:] = finders
with mock_lambda():
    exec(SERVE)
""", id="in a later mock"),
    pytest.param("""
with mock_lambda():  # a test's mock, around an inline run
    before, finders = set(sys.modules), list(sys.meta_path)
    import aiobotocore.session
    for name in set(sys.modules) - before:
        del sys.modules[name]
    sys.meta_path[:] = finders
    exec(SERVE)
""", id="in the same mock"),
])
def test_aiobotocore_imported_again_is_served(escapes: Proxy, tmp_path: Any, script: str) -> None:
    # pytester's inline runs, and other tools that put sys.modules back, drop the modules imported meanwhile, wrapt's
    # among them. wrapt's post-import hooks fire once per name, so an aiobotocore imported again in a later mock was
    # not patched, and its Lambda requests were sent (here to the recording proxy, never to AWS); in the same mock,
    # the module of that name was taken for patched already.
    program = f"import asyncio, sys\nfrom lambdamock import mock_lambda\nSERVE = {_SERVE!r}\n{script}"
    proxied = {name: value for name, value in os.environ.items() if name.lower().endswith("_proxy")}
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": ":".join(sys.path),
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", **proxied}
    done = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip(), escapes.attempts) == (0, "[]", []), done.stderr


def test_a_client_with_fixed_credentials_signs_as_aiobotocore_does(lambda_mock: Any) -> None:
    seen: list = []

    def before_sign(request: Any, **_: Any) -> None:
        seen.append("before-sign")
        request.headers["X-Custom"] = "1"

    def before_send(request: Any, **_: Any) -> None:
        seen.append(("Authorization" in request.headers, request.headers.get("X-Custom")))

    async def scenario() -> None:
        async with aio_client(aws_access_key_id="a", aws_secret_access_key="b") as client:
            client.meta.events.register("before-sign.lambda.ListFunctions", before_sign)
            client.meta.events.register("before-send.lambda.ListFunctions", before_send)
            assert (await client.list_functions())["Functions"] == []

    asyncio.run(scenario())
    assert seen == ["before-sign", (True, b"1")]


def test_a_before_send_handler_changes_the_request_an_async_client_is_answered_for(lambda_mock: Any) -> None:
    # docs/moto.md: your own before-send handlers see each request first and may change it (add a header, say);
    # the answer is to the request as they leave it. Here a handler asks for the log tail (X-Amz-Log-Type).
    def tail(request: Any, **_: Any) -> None:
        request.headers["X-Amz-Log-Type"] = "Tail"

    async def scenario() -> Any:
        async with aio_client() as client:
            await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code("def handler(event, context):\n    print('hello')\n"))
            client.meta.events.register("before-send.lambda.Invoke", tail)
            return await client.invoke(FunctionName="f")

    assert "hello" in base64.b64decode(asyncio.run(scenario())["LogResult"]).decode()


def test_an_async_session_made_before_gives_a_handler_its_roles_credentials(lambda_mock: Any) -> None:
    # As for boto3 (see test_role_credentials): in an environment, a session the test process made, and that
    # read its own credentials there, signs with the function's role session.
    pytest.importorskip("moto")
    from tests.helpers import moto_aws

    source = ("import asyncio, os, aiobotocore.session as made\n"
              "def handler(event, context):\n"
              "    async def key():\n"
              "        return (await made.lambdamock_test_session.get_credentials()).access_key\n"
              "    return [asyncio.run(key()), os.environ['AWS_ACCESS_KEY_ID']]\n")
    with moto_aws():
        session = aiobotocore_session.get_session()
        outside = asyncio.run(session.get_credentials()).access_key
        aiobotocore_session.lambdamock_test_session = session  # where the handler finds it
        try:
            client = boto3.client("lambda", region_name=REGION)
            client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                   Code=code(source))
            inside, role = json.loads(client.invoke(FunctionName="f")["Payload"].read())
        finally:
            del aiobotocore_session.lambdamock_test_session
    assert inside == role != outside and role.startswith("ASIA")
    assert asyncio.run(session.get_credentials()).access_key == outside


def test_moto_leaves_an_async_clients_lambda_requests_alone() -> None:
    # docs/moto.md: lambdamock answers Lambda requests at moto's before-send step, and moto's handler leaves them
    # alone (else it would create the function in moto's Lambda too); as through boto3 (tests/test_seam.py).
    pytest.importorskip("moto")
    from tests.helpers import moto_aws

    async def scenario() -> Any:
        async with aio_client() as client:
            await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code())
            return json.loads(await (await client.invoke(FunctionName="f", Payload=b'{"a": 1}'))["Payload"].read())

    with moto_aws():
        with mock_lambda():
            assert asyncio.run(scenario()) == {"a": 1}
        with pytest.raises(ClientError, match="ResourceNotFoundException"):
            boto3.client("lambda", region_name=REGION).get_function(FunctionName="f")  # moto's Lambda never saw it

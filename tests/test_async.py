"""aiobotocore and aioboto3 clients: the same backend and state as boto3, through the same door.

Runs where aiobotocore is installed, through aioboto3 where that is installed too (``pip install -e
'.[aio-test]'``), else through aiobotocore's own sessions: CI does both, each in an environment of its
own, since aioboto3 pins an older aiobotocore than the newest, and each aiobotocore pins its own botocore.
"""

from __future__ import annotations

import asyncio
import gc
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.aio_helpers import REGION, aio_client, code
from tests.helpers import ROLE, modeled
from tests.runtime import sync


def test_created_with_boto3_invoked_with_aioboto3(lambda_mock: Any) -> None:
    boto3.client("lambda", region_name=REGION).create_function(
        FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler", Code=code())

    async def scenario() -> tuple[Any, Any, Any]:
        async with aio_client() as client:
            response = await client.invoke(FunctionName="f", Payload=b'{"via": "aio"}')
            first = json.loads(await response["Payload"].read())
            response = await client.invoke(FunctionName="f", Payload=b'{"n": 2}')
            async with response["Payload"] as stream:
                second = json.loads(await stream.read())
            return first, second, response["ExecutedVersion"]

    assert asyncio.run(scenario()) == ({"via": "aio"}, {"n": 2}, "$LATEST")


def test_created_with_aioboto3_seen_by_boto3(lambda_mock: Any) -> None:
    async def scenario() -> None:
        async with aio_client() as client:
            await client.create_function(FunctionName="g", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code())
            await client.get_waiter("function_active_v2").wait(FunctionName="g")

    asyncio.run(scenario())
    sync_client = boto3.client("lambda", region_name=REGION)
    assert sync_client.get_function(FunctionName="g")["Configuration"]["State"] == "Active"
    assert json.loads(sync_client.invoke(FunctionName="g", Payload=b"[1]")["Payload"].read()) == [1]


def test_errors_are_client_errors_with_aws_code_status_and_fields(lambda_mock: Any) -> None:
    async def scenario() -> Any:
        async with aio_client() as client:
            with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
                await client.get_function(FunctionName="missing")
            return caught.value.response

    response = asyncio.run(scenario())
    assert response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing",
    }
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert response["Type"] == "User"


def test_paginators_and_function_errors(lambda_mock: Any) -> None:
    async def scenario() -> tuple[list[str], Any, Any]:
        async with aio_client() as client:
            for number in range(5):
                await client.create_function(FunctionName=f"f{number}", Runtime="python3.12", Role=ROLE,
                                             Handler="app.handler", Code=code("def handler(e, c):\n    1 / 0\n"))
            names = [
                entry["FunctionName"]
                async for page in client.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 2})
                for entry in page["Functions"]
            ]
            response = await client.invoke(FunctionName="f0")
            return names, response["FunctionError"], json.loads(await response["Payload"].read())

    names, error, payload = asyncio.run(scenario())
    assert names == [f"f{n}" for n in range(5)]
    assert error == "Unhandled" and payload["errorType"] == "ZeroDivisionError"


def test_response_streams_read_as_async_event_streams(lambda_mock: Any) -> None:
    async def scenario() -> tuple[Any, list[Any]]:
        async with aio_client() as client:
            await client.create_function(FunctionName="s", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code())
            response = await client.invoke_with_response_stream(FunctionName="s", Payload=b'{"streamed": 1}')
            return response["ExecutedVersion"], [event async for event in response["EventStream"]]

    version, events = asyncio.run(scenario())
    assert version == "$LATEST"
    assert events == [{"PayloadChunk": {"Payload": b'{"streamed": 1}'}}, {"InvokeComplete": {}}]


def test_event_invocations_and_mock_wait(lambda_mock: Any) -> None:
    async def scenario() -> None:
        async with aio_client() as client:
            await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code())
            for number in range(3):
                response = await client.invoke(FunctionName="f", InvocationType="Event",
                                               Payload=json.dumps({"n": number}).encode())
                assert response["StatusCode"] == 202
                # As boto3's: the trace it begins and the remapped length, and no Content-Type on an empty 202.
                headers = response["ResponseMetadata"]["HTTPHeaders"]
                assert headers["x-amzn-trace-id"].startswith("Root=1-") and "content-type" not in headers
                assert headers["x-amzn-remapped-content-length"] == "0"

    asyncio.run(scenario())
    lambda_mock.wait()
    assert sorted(run.result["n"] for run in lambda_mock.invocations) == [0, 1, 2]


@modeled("CreateFunction", "TenancyConfig")
def test_tenants_named_by_an_async_client_get_environments_of_their_own(lambda_mock: Any) -> None:
    source = "served = []\ndef handler(event, context):\n    served.append(context.tenant_id)\n    return served\n"

    async def scenario() -> list[Any]:
        async with aio_client() as client:
            await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code(source), TenancyConfig={"TenantIsolationMode": "PER_TENANT"})
            answers = []
            for tenant in ("blue", "green", "blue"):
                response = await client.invoke(FunctionName="f", TenantId=tenant)
                answers.append(json.loads(await response["Payload"].read()))
            with pytest.raises(client.exceptions.InvalidParameterValueException):
                await client.invoke(FunctionName="f")
            return answers

    assert asyncio.run(scenario()) == [["blue"], ["green"], ["blue", "blue"]]


def test_a_running_handler_never_blocks_the_event_loop(lambda_mock: Any) -> None:
    # Both handlers must be inside at once to pass the barrier: served on the loop, they would deadlock.
    sync.barriers["aio"] = threading.Barrier(2, timeout=10)
    source = "from tests.runtime import sync\ndef handler(event, context):\n    sync.barriers['aio'].wait()\n    return 1\n"

    async def scenario() -> list[Any]:
        async with aio_client() as client:
            await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code(source))
            responses = await asyncio.gather(*(client.invoke(FunctionName="f") for _ in range(2)))
            return [response.get("FunctionError") for response in responses]

    assert asyncio.run(scenario()) == [None, None]


class LoopWatch:
    """lambdamock.runtime.archive's ``name``, made to wait (5 s at most) until an event loop running ``tick`` has run
    since it was called; ``waited`` says, for each call, whether the loop ran."""

    def __init__(self, monkeypatch: Any, name: str) -> None:
        from lambdamock.runtime import archive

        self.called, self.loop_ran = threading.Event(), threading.Event()
        self.waited: list[bool] = []
        original = getattr(archive, name)

        def waiting(*args: Any) -> Any:
            self.called.set()
            self.waited.append(self.loop_ran.wait(5))
            return original(*args)

        monkeypatch.setattr(archive, name, waiting)

    async def tick(self) -> None:
        while True:
            if self.called.is_set():
                self.loop_ran.set()
            await asyncio.sleep(0.01)


def test_a_cold_start_unzips_the_package_off_the_event_loop(lambda_mock: Any, monkeypatch: Any) -> None:
    # A big package takes a while to unzip: the loop runs on meanwhile (found in review: it was unzipped on the
    # loop's thread, which stood still for the whole cold start). The unzip here waits for the loop to run.
    unzipping = LoopWatch(monkeypatch, "extract")

    async def scenario() -> Any:
        async with aio_client() as client:
            await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code())
            ticker = asyncio.ensure_future(unzipping.tick())
            try:
                return await client.invoke(FunctionName="f", Payload=b"{}")
            finally:
                ticker.cancel()

    assert "FunctionError" not in asyncio.run(scenario())
    assert unzipping.waited == [True]


def test_a_handler_past_its_timeout_is_answered_on_time_and_the_loop_runs_meanwhile(lambda_mock: Any) -> None:
    source = "import time\ndef handler(event, context):\n    time.sleep(60)\n"

    async def scenario() -> tuple[Any, Any, int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        async with aio_client() as client:
            await client.create_function(FunctionName="slow", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code(source), Timeout=1)
            ticker = asyncio.ensure_future(tick())
            response = await asyncio.wait_for(client.invoke(FunctionName="slow"), timeout=20)
            ticker.cancel()
            return response.get("FunctionError"), json.loads(await response["Payload"].read()), ticks

    error, payload, ticks = asyncio.run(scenario())
    assert (error, payload["errorType"]) == ("Unhandled", "Sandbox.Timedout")
    assert ticks > 10  # the loop went on for the second the handler ran


def test_a_warm_handler_is_answered_when_it_returns_or_at_its_timeout(lambda_mock: Any) -> None:
    # docs/aio.md: the loop awaits the handler, and one that outlives its timeout is answered on time, as Lambda
    # answers "Task timed out after 3.00 seconds" then (the message pinned in tests/test_invoke_timeouts.py).
    source = "import time\ndef handler(event, context):\n    time.sleep(event)\n    return event\n"

    async def scenario() -> list[tuple[Any, float]]:
        async with aio_client() as client:
            await client.create_function(FunctionName="slow", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code(source), Timeout=3)
            answers = []
            for nap in (b"0", b"0.5", b"60"):  # the first is the cold start, the others are timed
                started = time.monotonic()
                response = await asyncio.wait_for(client.invoke(FunctionName="slow", Payload=nap), timeout=20)
                answers.append((json.loads(await response["Payload"].read()), time.monotonic() - started))
            return answers

    _, (napped, short), (payload, long) = asyncio.run(scenario())
    assert napped == 0.5 and short < 2.5
    assert payload["errorType"] == "Sandbox.Timedout" and payload["errorMessage"].endswith("after 3.00 seconds")
    assert 3 <= long < 5.5


def test_an_invoke_outliving_the_client_s_read_timeout_raises_it_and_runs_on(lambda_mock: Any) -> None:
    # As boto3's (tests/test_invoke_timeouts.py): aiobotocore raises ReadTimeoutError when Lambda, which sends
    # nothing until the function answers, takes longer than its read_timeout (boto/boto3#883).
    from aiobotocore.config import AioConfig
    from botocore.exceptions import ReadTimeoutError

    source = "import time\ndef handler(event, context):\n    time.sleep(2)\n    return 'done'\n"

    async def scenario() -> float:
        config = AioConfig(read_timeout=1, retries={"total_max_attempts": 1})
        async with aio_client(config=config) as client:
            await client.create_function(FunctionName="slow", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code(source), Timeout=5)
            started = time.monotonic()
            with pytest.raises(ReadTimeoutError, match="/functions/slow/invocations"):
                await asyncio.wait_for(client.invoke(FunctionName="slow"), timeout=20)
            return time.monotonic() - started

    assert asyncio.run(scenario()) < 1.9
    lambda_mock.wait(timeout=10)
    assert [run.result for run in lambda_mock.invocations] == ["done"]


def test_a_cancelled_aioboto3_invoke_runs_on_and_keeps_its_concurrency(lambda_mock: Any) -> None:
    # As when a client disconnects from Lambda: the invocation goes on to its end, and is recorded then.
    sync.events["aio-cancel"] = entered = threading.Event()
    sync.events["aio-release"] = release = threading.Event()
    source = ("from tests.runtime import sync\ndef handler(event, context):\n    if event.get('hold'):\n"
              "        sync.events['aio-cancel'].set()\n        sync.events['aio-release'].wait(10)\n"
              "    return event\n")

    async def scenario() -> tuple[str, Any]:
        once = Config(retries={"total_max_attempts": 1})  # a throttle is not retried away
        async with aio_client(config=once) as client:
            await client.create_function(FunctionName="one", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code(source), Timeout=30)
            await client.put_function_concurrency(FunctionName="one", ReservedConcurrentExecutions=1)
            held = asyncio.ensure_future(client.invoke(FunctionName="one", Payload=b'{"hold": true}'))
            while not entered.is_set():
                await asyncio.sleep(0.01)
            held.cancel()
            with pytest.raises(asyncio.CancelledError):
                await held
            try:
                await client.invoke(FunctionName="one", Payload=b"{}")
            except client.exceptions.TooManyRequestsException as error:
                refused = error.response["Error"]["Code"]
            release.set()
            await asyncio.get_running_loop().run_in_executor(None, lambda_mock.wait)
            return refused, await client.invoke(FunctionName="one", Payload=b'{"after": 1}')

    try:
        refused, after = asyncio.run(scenario())
    finally:
        release.set()
    assert refused == "TooManyRequestsException"
    assert after["StatusCode"] == 200 and "FunctionError" not in after
    assert [run.result for run in lambda_mock.invocations] == [{"hold": True}, {"after": 1}]
    assert lambda_mock.concurrency("one").current == 0
    from lambdamock import _aio

    assert _aio._awaiting == {}  # the cancelled await was counted off: the loop watches quick handlers again


# The task, left pending, is collected here: asyncio says so, and aiobotocore's context cannot be reset outside it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_invoke_left_pending_on_a_closed_loop_runs_on_and_lets_go_of_its_concurrency(lambda_mock: Any) -> None:
    # As when a client disconnects (above), for a loop closed with the call's task pending, never resumed nor cancelled
    # (found in audit: the invocation was never recorded, kept its reservation, throttling every later call, and the
    # stopped mock kept botocore patched for good).
    sync.events["aio-closed"] = entered = threading.Event()
    sync.events["aio-reopen"] = release = threading.Event()
    source = ("from tests.runtime import sync\ndef handler(event, context):\n    sync.events['aio-closed'].set()\n"
              "    sync.events['aio-reopen'].wait(10)\n    return event\n")
    client = boto3.client("lambda", region_name=REGION)
    client.create_function(FunctionName="one", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code=code(source), Timeout=30)
    client.put_function_concurrency(FunctionName="one", ReservedConcurrentExecutions=1)

    async def call() -> Any:
        async with aio_client() as aio:
            return await aio.invoke(FunctionName="one", Payload=b'{"left": 1}')

    loop = asyncio.new_event_loop()
    try:
        task = loop.create_task(call())
        loop.run_until_complete(loop.run_in_executor(None, entered.wait, 10))
    finally:
        loop.close()
        release.set()
    deadline = time.monotonic() + 10
    while not lambda_mock.invocations and time.monotonic() < deadline:
        lambda_mock.wait(timeout=0.05)
    assert [run.result for run in lambda_mock.invocations] == [{"left": 1}] and not task.done()
    assert client.invoke(FunctionName="one", Payload=b"{}")["StatusCode"] == 200
    from lambdamock import _aio

    assert _aio._awaiting == {}
    del task
    gc.collect()


def test_a_cancelled_invoke_under_trio_returns_at_once_and_runs_on(lambda_mock: Any) -> None:
    # docs/aio.md: under trio (aiobotocore's httpx session) operations run on anyio's worker threads, and a cancelled
    # call leaves its invocation running, as Lambda does when a client goes away (found in audit: the cancel scope
    # waited for the handler to end, up to the function's timeout).
    trio = pytest.importorskip("trio")
    httpx_session = pytest.importorskip("aiobotocore.httpxsession")
    from aiobotocore.config import AioConfig

    from tests.aio_helpers import aiobotocore_session

    sync.events["trio-release"] = release = threading.Event()
    source = ("from tests.runtime import sync\ndef handler(event, context):\n    if event.get('hold'):\n"
              "        sync.events['trio-release'].wait(10)\n    return event\n")
    config = AioConfig(http_session_cls=httpx_session.HttpxSession, retries={"total_max_attempts": 1})

    async def scenario() -> tuple[float, str]:
        async with aiobotocore_session.get_session().create_client("lambda", region_name=REGION,
                                                                   config=config) as client:
            await client.create_function(FunctionName="one", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code(source), Timeout=30)
            await client.put_function_concurrency(FunctionName="one", ReservedConcurrentExecutions=1)
            started = time.monotonic()
            with trio.move_on_after(0.5):
                await client.invoke(FunctionName="one", Payload=b'{"hold": true}')
            waited = time.monotonic() - started
            with pytest.raises(client.exceptions.TooManyRequestsException) as refused:
                await client.invoke(FunctionName="one", Payload=b"{}")
            return waited, refused.value.response["Error"]["Code"]

    try:
        waited, refused = trio.run(scenario)
        assert waited < 5 and refused == "TooManyRequestsException"
        release.set()
        lambda_mock.wait(timeout=10)
    finally:
        release.set()
    assert [run.result for run in lambda_mock.invocations] == [{"hold": True}]


def test_a_call_whose_handler_timed_out_while_it_awaited_is_waited_for(lambda_mock: Any) -> None:
    # As through boto3 (test_invoke_timeouts.py): the inner invocation runs on without its caller, and mock.wait(),
    # begun at once, waits for it (found in review: it returned while "inner" still ran).
    sync.events["aio-inner"] = release = threading.Event()
    inner = "from tests.runtime import sync\ndef handler(e, c):\n    sync.events['aio-inner'].wait(20)\n    return 'done'\n"
    # The client's model is loaded at init, which the outer's one-second timeout does not count, so the outer reaches
    # the inner in time on a busy machine too.
    outer = ("import asyncio, aiobotocore.session\nsession = aiobotocore.session.get_session()\n"
             "def client():\n    return session.create_client('lambda', region_name='us-east-1')\n"
             "async def warm():\n    async with client():\n        pass\nasyncio.run(warm())\n"
             "async def call():\n    async with client() as lambda_:\n        await lambda_.invoke(FunctionName='inner')\n"
             "def handler(e, c):\n    asyncio.run(call())\n")
    client = boto3.client("lambda", region_name=REGION)
    client.create_function(FunctionName="inner", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code=code(inner), Timeout=30)
    client.create_function(FunctionName="outer", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code=code(outer), Timeout=1)
    try:
        assert client.invoke(FunctionName="outer")["FunctionError"] == "Unhandled"
        threading.Timer(0.3, release.set).start()
        lambda_mock.wait(timeout=20)
    finally:
        release.set()
    assert [(run.function_name, run.result) for run in lambda_mock.invocations if run.function_name == "inner"] == [
        ("inner", "done")]


def test_an_invoke_payload_reads_in_parts_as_aiobotocores_streaming_body(lambda_mock: Any) -> None:
    # aiobotocore's StreamingBody (aiobotocore/response.py) reads at most amt bytes of the raw body per read(amt), and
    # 1 KiB chunks when iterated; aiohttp's StreamReader.read(0) is b"", and a read at the end is b"" too.
    payload = json.dumps("x" * 3000).encode()

    async def scenario() -> tuple[list[bytes], list[bytes]]:
        async with aio_client() as client:
            await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code())
            body = (await client.invoke(FunctionName="f", Payload=payload))["Payload"]
            parts = [await body.read(1), await body.read(0), await body.read(4), await body.read(), await body.read(5)]
            chunks = [chunk async for chunk in (await client.invoke(FunctionName="f", Payload=payload))["Payload"]]
            return parts, chunks

    parts, chunks = asyncio.run(scenario())
    assert parts == [b'"', b"", b"xxxx", payload[5:], b""]
    assert [len(chunk) for chunk in chunks] == [1024, 1024, len(payload) - 2048] and b"".join(chunks) == payload


@pytest.mark.parametrize("operation", ["invoke", "invoke_with_response_stream"])
def test_gathered_invocations_take_none_of_the_loops_worker_threads(lambda_mock: Any, operation: str) -> None:
    # docs/aio.md: a synchronous Invoke (or InvokeWithResponseStream) runs its handler on its environment's thread
    # and the loop awaits it; only other operations take a worker thread. Both handlers must be inside at once,
    # with one worker thread for the loop: were each call served on a worker, the second would wait for the first.
    sync.barriers["aio-workers"] = threading.Barrier(2, timeout=10)
    source = ("from tests.runtime import sync\ndef handler(event, context):\n    sync.barriers['aio-workers'].wait()\n"
              "    return 1\n")

    async def scenario() -> list[Any]:
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=1))
        async with aio_client() as client:
            await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code(source))
            call = getattr(client, operation)
            responses = await asyncio.gather(*(call(FunctionName="f") for _ in range(2)))
            if operation == "invoke":
                return [json.loads(await response["Payload"].read()) for response in responses]
            streams = []
            for response in responses:
                streams.append([event async for event in response["EventStream"]])
            return streams

    done = [{"PayloadChunk": {"Payload": b"1"}}, {"InvokeComplete": {}}]
    assert asyncio.run(scenario()) == ([1, 1] if operation == "invoke" else [done, done])


def test_an_operation_other_than_invoke_is_served_off_the_event_loop(lambda_mock: Any, monkeypatch: Any) -> None:
    # docs/aio.md: other operations, which may read a package from S3 or unzip it, run on a worker thread. Here
    # CreateFunction's look at the package waits for the loop to run.
    measuring = LoopWatch(monkeypatch, "unzipped_size")

    async def scenario() -> Any:
        ticker = asyncio.ensure_future(measuring.tick())
        try:
            async with aio_client() as client:
                return await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE,
                                                    Handler="app.handler", Code=code())
        finally:
            ticker.cancel()

    assert asyncio.run(scenario())["FunctionName"] == "f"
    assert measuring.waited == [True]


def test_mappings_created_from_aioboto3_deliver(lambda_mock: Any) -> None:
    arn = "arn:aws:sqs:us-east-1:123456789012:jobs"
    queue = lambda_mock.queue(arn)

    async def scenario() -> None:
        async with aio_client() as client:
            await client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                         Code=code())
            await client.create_event_source_mapping(EventSourceArn=arn, FunctionName="f")

    asyncio.run(scenario())
    queue.send("hello")
    lambda_mock.wait()
    assert json.loads(lambda_mock.invocations[0].event)["Records"][0]["body"] == "hello"

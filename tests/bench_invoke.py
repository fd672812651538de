"""The benchmark's invocation rows: warm, by alias, reserved, cold, 64 threads, logs shipped, URLs, aioboto3."""

from __future__ import annotations

import json
import statistics
import threading
import time
from typing import Callable

import boto3

from lambdamock import mock_lambda, package
from tests.bench_measure import REGION, alternating, best, floor_client, in_threads, record, report
from tests.helpers import ROLE, moto_role


def invocations() -> None:
    source = "def handler(event, context):\n    return event\n"
    module: dict[str, object] = {}
    exec(source, module)  # the floor runs the same handler directly
    handler = module["handler"]
    client = boto3.client("lambda", region_name=REGION)  # served by each mock started below

    def echo() -> None:
        client.create_function(FunctionName="echo", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": source})})
        client.invoke(FunctionName="echo", Payload=b'{"a": 1}')  # warm

    def invoke() -> None:
        client.invoke(FunctionName="echo", Payload=b'{"a": 1}')["Payload"].read()

    with mock_lambda():
        echo()
        recorded = {"Invoke": record(client, "invoke", FunctionName="echo", Payload=b'{"a": 1}')}
    floor = floor_client(recorded)

    def ours_round() -> float:
        with mock_lambda():
            echo()
            return best(invoke, 100, 1)

    def floor_invoke() -> None:
        floor.invoke(FunctionName="echo", Payload=b'{"a": 1}')["Payload"].read()
        handler(json.loads(b'{"a": 1}'), None)

    ours, floor_seconds = alternating(ours_round, lambda: best(floor_invoke, 100, 1), rounds=11)

    with mock_lambda():
        echo()

        client.publish_version(FunctionName="echo")
        client.update_function_configuration(FunctionName="echo", Description="2")
        client.publish_version(FunctionName="echo")
        client.create_alias(FunctionName="echo", Name="live", FunctionVersion="1",
                            RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
        for qualifier in ("1", "2", "live", "live"):  # warm both versions' environments
            client.invoke(FunctionName="echo", Qualifier=qualifier, Payload=b'{"a": 1}')
        # Interleaved, so drift on a busy machine hits both sides alike.
        by_version, by_alias = [], []
        for _ in range(15):
            by_version.append(best(lambda: client.invoke(FunctionName="echo", Qualifier="1", Payload=b'{"a": 1}'), 40, 1))
            by_alias.append(best(lambda: client.invoke(FunctionName="echo", Qualifier="live", Payload=b'{"a": 1}'), 40, 1))
        alias_ratio = min(by_alias) / min(by_version)

        # The same handler with and without a reservation: what enforcing concurrency costs.
        client.create_function(FunctionName="reserved", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": source})})
        client.put_function_concurrency(FunctionName="reserved", ReservedConcurrentExecutions=100)
        client.invoke(FunctionName="reserved", Payload=b'{"a": 1}')
        plain, reserved = [], []
        for _ in range(15):
            plain.append(best(lambda: client.invoke(FunctionName="echo", Payload=b'{"a": 1}'), 40, 1))
            reserved.append(best(lambda: client.invoke(FunctionName="reserved", Payload=b'{"a": 1}'), 40, 1))
        reservation_ratio = min(reserved) / min(plain)

        # Cold start: a fresh function (1 KB zip) each time, minus a warm invoke's cost.
        padding = "# " + "x" * 1000 + "\n"
        colds = []
        for n in range(30):
            client.create_function(FunctionName=f"cold{n}", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                   Code={"ZipFile": package({"app.py": padding + source})})
            start = time.perf_counter()
            client.invoke(FunctionName=f"cold{n}", Payload=b"{}")
            colds.append(time.perf_counter() - start)
        cold = statistics.median(colds) - ours

        client.create_function(FunctionName="sleeper", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": "import time\ndef handler(e, c):\n    time.sleep(0.01)\n"})})

        def ten() -> None:
            for _ in range(10):
                client.invoke(FunctionName="sleeper", Payload=b"{}")

        # The first round starts 64 environments (cold starts have their own row); then, as in the other
        # rows, each side keeps its best of three rounds.
        cold_wall = in_threads(ten, 64)
        wall = min(in_threads(ten, 64) for _ in range(3))

    def floor_ten() -> None:
        for _ in range(10):
            floor.invoke(FunctionName="echo", Payload=b"{}")["Payload"].read()
            time.sleep(0.01)

    floor_wall = min(in_threads(floor_ten, 64) for _ in range(3))
    report(f"invoke (warm, trivial, {ours * 1e6:.0f} us): lambdamock / (floor + handler)", ours / floor_seconds,
           "<= 1.5x", ours / floor_seconds <= 1.5)
    report("invoke through a weighted alias / through a version", alias_ratio, "<= 1.05x", alias_ratio <= 1.05)
    report("invoke with reserved concurrency / without", reservation_ratio, "<= 1.05x", reservation_ratio <= 1.05)
    report("cold start of a 1 KB zip, lambdamock's own time", cold * 1000, "< 5 ms", cold < 0.005, unit="ms")
    report("64 threads x 10 invokes of a 10 ms handler, first round (info)", cold_wall, "-", True, unit="s")
    report("64 threads x 10 invokes of a 10 ms handler, wall", wall, "< 0.5 s", wall < 0.5, unit="s")
    report("  the same through the floor (botocore alone), wall (info)", floor_wall, "-", True, unit="s")
    report("  lambdamock / floor for that load", wall / floor_wall, "<= 1.3x", wall / floor_wall <= 1.3)


def logs_shipping() -> None:
    """Invoke with moto's CloudWatch Logs receiving every invocation's log, against the same without moto."""
    from moto import mock_aws

    source = package({"app.py": "def handler(event, context):\n    print('handled', event)\n    return event\n"})

    def invoke_cost() -> float:
        # Fixed keys on both sides, so both sign their requests (mock_aws would give only one side keys).
        client = boto3.client("lambda", region_name=REGION, aws_access_key_id="testing",
                              aws_secret_access_key="testing")
        client.create_function(FunctionName="logged", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": source})
        client.invoke(FunctionName="logged", Payload=b"{}")
        return best(lambda: client.invoke(FunctionName="logged", Payload=b'{"a": 1}'), 200)

    def off() -> float:
        with mock_lambda():
            return invoke_cost()

    def on() -> float:
        with mock_aws(), mock_lambda() as mock:
            moto_role()
            cost = invoke_cost()
            mock.wait()
            logs = boto3.client("logs", region_name=REGION)
            assert logs.filter_log_events(logGroupName="/aws/lambda/logged", limit=1)["events"]
        return cost

    shipped, alone = alternating(on, off, rounds=4)
    ratio = shipped / alone
    report("invoke with logs shipped to CloudWatch Logs (moto) / without", ratio, "<= 1.1x", ratio <= 1.1)


def function_urls() -> None:
    """A function URL request over loopback HTTP (keep-alive) against a bare http.server round trip of that size."""
    import http.client
    import http.server

    body = json.dumps({"ok": True, "pad": "x" * 200})
    source = f"def handler(event, context):\n    return {{'statusCode': 200, 'body': {body!r}}}\n"

    def rounds(host: str, port: int, path: str) -> Callable[[], float]:
        """One round: a new keep-alive connection, one request to warm it, then the best of 100."""
        def measure() -> float:
            connection = http.client.HTTPConnection(host, port)

            def one() -> None:
                connection.request("GET", path)
                connection.getresponse().read()

            one()
            try:
                return best(one, 100, 1)
            finally:
                connection.close()
        return measure

    class Bare(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # as lambdamock's server: no delayed-ACK stalls on keep-alive

        def do_GET(self) -> None:
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: object) -> None:
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Bare)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with mock_lambda() as mock:
            client = boto3.client("lambda", region_name=REGION)
            client.create_function(FunctionName="web", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                   Code={"ZipFile": package({"app.py": source})})
            client.create_function_url_config(FunctionName="web", AuthType="NONE")
            client.add_permission(FunctionName="web", StatementId="url", Action="lambda:InvokeFunctionUrl",
                                  Principal="*", FunctionUrlAuthType="NONE")
            url = mock.function_url("web")
            address = url.split("//", 1)[1]
            host, _, rest = address.partition(":")
            port, _, path = rest.partition("/")
            ours, bare = alternating(rounds(host, int(port), "/" + path + "orders"),
                                     rounds("127.0.0.1", server.server_address[1], "/orders"), rounds=11)
    finally:
        server.shutdown()
    report(f"function URL request ({ours * 1e6:.0f} us) / bare http.server round trip", ours / bare, "<= 2x",
           ours / bare <= 2)


def aio() -> None:
    """aioboto3's invoke against an aiobotocore floor (needs aioboto3: its own environment, as in CI)."""
    try:
        import asyncio

        import aioboto3
    except ImportError:
        print("aioboto3 invoke / aiobotocore floor: skipped, aioboto3 is not installed here "
              "(run: pip install aioboto3; python tests/benchmark.py aio)")
        return
    from aiobotocore.awsrequest import AioAWSResponse

    source = "def handler(event, context):\n    return event\n"

    async def measure() -> tuple[float, float]:
        async def per_call(call) -> float:
            start = time.perf_counter()
            for _ in range(200):
                await call()
            return (time.perf_counter() - start) / 200

        recorded: list[tuple[int, dict[str, str], bytes]] = []

        async def ours_round() -> float:
            with mock_lambda():
                boto3.client("lambda", region_name=REGION).create_function(
                    FunctionName="echo", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                    Code={"ZipFile": package({"app.py": source})})
                async with aioboto3.Session().client("lambda", region_name=REGION) as client:
                    async def ours_call() -> None:
                        await (await client.invoke(FunctionName="echo", Payload=b'{"a": 1}'))["Payload"].read()

                    answer = await client.invoke(FunctionName="echo", Payload=b'{"a": 1}')  # warm
                    recorded[:] = [(answer["ResponseMetadata"]["HTTPStatusCode"],
                                    dict(answer["ResponseMetadata"]["HTTPHeaders"]), await answer["Payload"].read())]
                    return await per_call(ours_call)

        module: dict[str, object] = {}
        exec(source, module)
        handler = module["handler"]

        class Content:
            async def read(self, amount: int = -1) -> bytes:
                return recorded[0][2]

        class Body:  # what aiobotocore's StreamingBody reads: ``raw.content``
            content = Content()

            async def read(self) -> bytes:
                return recorded[0][2]

        ours = await ours_round()
        async with aioboto3.Session().client("lambda", region_name=REGION, aws_access_key_id="a",
                                             aws_secret_access_key="b") as floor:
            def answer_floor(request, **_: object) -> AioAWSResponse:
                return AioAWSResponse(request.url, recorded[0][0], recorded[0][1], Body())

            floor.meta.events.register("before-send.lambda", answer_floor)

            async def floor_call() -> None:
                await (await floor.invoke(FunctionName="echo", Payload=b'{"a": 1}'))["Payload"].read()
                handler(json.loads(b'{"a": 1}'), None)

            await floor_call()
            floor_seconds = await per_call(floor_call)
            # Alternating rounds, each side keeping its best: drift hits both alike.
            for _ in range(8):
                ours = min(ours, await ours_round())
                floor_seconds = min(floor_seconds, await per_call(floor_call))
            return ours, floor_seconds

    ours, floor_seconds = asyncio.run(measure())
    report(f"aioboto3 invoke (warm, trivial, {ours * 1e6:.0f} us): lambdamock / (floor + handler)", ours / floor_seconds,
           "<= 1.5x",
           ours / floor_seconds <= 1.5)

"""The benchmark's service rows: served calls, start and stop, import, 10,000 functions, mappings, a big package."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from typing import Callable

import boto3

from lambdamock import mock_lambda, package
from tests.bench_measure import REGION, alternating, best, floor_client, record, report
from tests.helpers import ROLE, moto_role


def api_calls() -> None:
    code = package({"app.py": "def handler(event, context):\n    return event\n"})
    client = boto3.client("lambda", region_name=REGION)  # served by each mock started below

    def ten_functions() -> None:
        for n in range(10):
            client.create_function(FunctionName=f"f{n}", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                   Code={"ZipFile": code})

    with mock_lambda():
        ten_functions()
        recorded = {
            "GetFunctionConfiguration": record(client, "get_function_configuration", FunctionName="f0"),
            "ListFunctions": record(client, "list_functions"),
        }
    floor = floor_client(recorded)

    def ours(call: Callable[[], object], number: int) -> Callable[[], float]:
        def measure() -> float:
            with mock_lambda():
                ten_functions()
                return best(call, number, 1)
        return measure

    ours_get, floor_get = alternating(ours(lambda: client.get_function_configuration(FunctionName="f0"), 100),
                                      lambda: best(lambda: floor.get_function_configuration(FunctionName="f0"), 100, 1))
    ours_list, floor_list = alternating(ours(lambda: client.list_functions(), 60),
                                        lambda: best(lambda: floor.list_functions(), 60, 1))
    report("get_function_configuration: lambdamock / floor", ours_get / floor_get, "<= 1.15x", ours_get / floor_get <= 1.15)
    report("list_functions (10): lambdamock / floor", ours_list / floor_list, "<= 1.15x", ours_list / floor_list <= 1.15)

    from moto import mock_aws

    with mock_aws():
        iam = boto3.client("iam", region_name=REGION)
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        client = boto3.client("lambda", region_name=REGION)
        for n in range(10):
            client.create_function(FunctionName=f"f{n}", Runtime="python3.12", Role=role, Handler="app.handler",
                                   Code={"ZipFile": code})
        moto_get = best(lambda: client.get_function_configuration(FunctionName="f0"), 100)
        moto_list = best(lambda: client.list_functions(), 50)
    report("get_function_configuration: moto / floor (info)", moto_get / floor_get, "~2x", True)
    report("get_function_configuration: moto / lambdamock (info)", moto_get / ours_get, "> 1x", moto_get > ours_get)
    report("list_functions (10): moto / lambdamock (info)", moto_list / ours_list, "> 1x", moto_list > ours_list)


def lifecycle() -> None:
    def cycle() -> None:
        mock = mock_lambda()
        mock.start()
        mock.stop()

    seconds = best(cycle, 2000)
    report("mock_lambda() start+stop", seconds * 1000, "< 0.5 ms", seconds < 0.0005, unit="ms")
    from moto import mock_aws

    def moto_cycle() -> None:
        mock = mock_aws()
        mock.start()
        mock.stop()

    moto_seconds = best(moto_cycle, 200, repeat=3)
    report("moto mock_aws() start+stop (info)", moto_seconds * 1000, "~2 ms", True, unit="ms")


def import_cost() -> None:
    def timed(module: str) -> float:
        """Seconds to import ``module`` in a fresh interpreter that has imported boto3: the best of 7."""
        runs = []
        for _ in range(7):
            done = subprocess.run(
                [sys.executable, "-c",
                 f"import time, boto3; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"],
                capture_output=True, text=True, check=True,
            )
            runs.append(float(done.stdout))
        return min(runs)

    ours = timed("lambdamock")
    report("import lambdamock on top of boto3", ours * 1000, "< 30 ms", ours < 0.030, unit="ms")
    report("import moto on top of boto3 (info)", timed("moto") * 1000, "~125 ms", True, unit="ms")


def many_functions() -> None:
    code = package({"app.py": "x = 1"})
    with mock_lambda():
        client = boto3.client("lambda", region_name=REGION)
        spans = []
        for block in range(10):
            # A block's cost is the median of its ten runs of 100: one collector pause or one
            # noisy neighbour does not make a block look slow.
            runs = []
            for run in range(10):
                start = time.perf_counter()
                for n in range(100):
                    client.create_function(FunctionName=f"f{block:02d}{run:02d}{n:02d}", Runtime="python3.12",
                                           Role=ROLE, Handler="app.handler", Code={"ZipFile": code})
                runs.append(time.perf_counter() - start)
            spans.append(statistics.median(runs))
        growth = spans[-1] / spans[0]
        report("create: last 1000 / first 1000 of 10,000 functions", growth, "<= 1.3x", growth <= 1.3)

        def paginate() -> int:
            pages = client.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 50})
            return sum(len(page["Functions"]) for page in pages)

        assert paginate() == 10_000  # the first pass renders each version once
        full = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            assert paginate() == 10_000
            full = min(full, time.perf_counter() - start)
        # Linear means a page costs the same wherever it starts: compare the mean
        # page cost over 10,000 functions with one page at the very start.
        first_page = best(lambda: client.list_functions(MaxItems=50), 20, repeat=3)
        ratio = (full / 200) / first_page
        report("list_functions: mean page over 10,000 / first page", ratio, "<= 1.3x", ratio <= 1.3)


def mappings() -> None:
    from moto import mock_aws

    # moto's SQS costs grow with a queue's length, so 2,000 messages go in 20 rounds of 100,
    # each sent, then drained: by the same receive and delete calls made in a plain loop (the
    # floor: ten receives of ten, then ten deletes once the batch is handled), or by a mapping
    # at BatchSize 100. Rounds alternate, so drift on a busy machine hits both sides alike.
    # Each round costs moto about a second a side (it reads a queue's attributes per message received):
    # 20 rounds keep the whole run under three minutes.
    rounds, size = 20, 100
    sink = package({"app.py": "def handler(event, context):\n    return None\n"})
    with mock_aws(), mock_lambda() as mock:
        sqs = boto3.client("sqs", region_name=REGION)
        lam = boto3.client("lambda", region_name=REGION)
        moto_role()  # with moto active, the role is looked up in moto's IAM

        def queue(name: str) -> tuple[str, str]:
            url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "300"})["QueueUrl"]
            return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

        def send(url: str) -> None:
            for first in range(0, size, 10):
                entries = [{"Id": str(n), "MessageBody": f"message {first + n}"} for n in range(10)]
                sqs.send_message_batch(QueueUrl=url, Entries=entries)

        raw_url, _ = queue("raw")
        mapped_url, mapped_arn = queue("mapped")
        lam.create_function(FunctionName="sink", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": sink})
        uuid = lam.create_event_source_mapping(FunctionName="sink", EventSourceArn=mapped_arn, BatchSize=size,
                                               MaximumBatchingWindowInSeconds=5, Enabled=False)["UUID"]
        floor = ours = 0.0
        for _ in range(rounds):
            send(raw_url)
            start, batch = time.perf_counter(), []
            while len(batch) < size:
                batch += sqs.receive_message(QueueUrl=raw_url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                             AttributeNames=["All"], MessageAttributeNames=["All"])["Messages"]
            for first in range(0, size, 10):
                sqs.delete_message_batch(QueueUrl=raw_url, Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(batch[first:first + 10])])
            floor += time.perf_counter() - start

            send(mapped_url)
            start = time.perf_counter()
            lam.update_event_source_mapping(UUID=uuid, Enabled=True)
            mock.wait(timeout=60)
            ours += time.perf_counter() - start
            lam.update_event_source_mapping(UUID=uuid, Enabled=False)
        delivered = [len(json.loads(invocation.event)["Records"]) for invocation in mock.invocations]
        assert delivered == [size] * rounds, delivered
    report(f"SQS (moto) -> mapping, {rounds * size} messages at BatchSize {size} / the same calls raw",
           ours / floor, "<= 1.2x", ours / floor <= 1.2)
    report("  those receive+delete calls through boto3, wall (info)", floor, "-", True, unit="s")

    with mock_lambda() as mock:
        lam = boto3.client("lambda", region_name=REGION)
        lam.create_function(FunctionName="sink", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": sink})
        local_queue = mock.queue(f"arn:aws:sqs:{REGION}:123456789012:local")
        lam.create_event_source_mapping(FunctionName="sink", EventSourceArn=local_queue.arn, BatchSize=100,
                                        MaximumBatchingWindowInSeconds=1)
        start = time.perf_counter()
        local_queue.send_many([f"record {n}" for n in range(100_000)])
        mock.wait(timeout=120)
        queued = time.perf_counter() - start
        stream = mock.stream(f"arn:aws:kinesis:{REGION}:123456789012:stream/local", shards=4)
        lam.create_event_source_mapping(FunctionName="sink", EventSourceArn=stream.arn, BatchSize=100,
                                        StartingPosition="LATEST")
        start = time.perf_counter()
        stream.put_many([f"record {n}" for n in range(100_000)])
        mock.wait(timeout=120)
        streamed = time.perf_counter() - start
    report("in-process queue: 100,000 records sent and delivered, wall", queued, "< 5 s", queued < 5, unit="s")
    report("in-process stream, 4 shards: 100,000 records, wall", streamed, "< 5 s", streamed < 5, unit="s")


def big_package() -> None:
    """A cold start of a 10 MB, 1,000-file package: lambdamock's own time (a warm invoke's cost taken off)."""
    files = {f"pkg/module_{n:04d}.py": f"VALUE = {n}\n" + "# " + os.urandom(5000).hex() + "\n" for n in range(1000)}
    files["app.py"] = "def handler(event, context):\n    return 1\n"
    code = package(files)
    colds = []
    with mock_lambda():
        client = boto3.client("lambda", region_name=REGION)
        creates = []
        for n in range(5):
            start = time.perf_counter()
            client.create_function(FunctionName=f"big{n}", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                   Code={"ZipFile": code})
            creates.append(time.perf_counter() - start)
        client.invoke(FunctionName="big0", Payload=b"{}")
        warm = best(lambda: client.invoke(FunctionName="big0", Payload=b"{}"), 50)
        for n in range(1, 5):
            start = time.perf_counter()
            client.invoke(FunctionName=f"big{n}", Payload=b"{}")
            colds.append(time.perf_counter() - start - warm)
    cold = statistics.median(colds)
    size = sum(len(text) for text in files.values()) / 1e6
    report(f"cold start of a {size:.0f} MB, 1,000-file package, own time", cold * 1000, "<= 50 ms", cold <= 0.05,
           unit="ms")
    # Its checks and unpacking happen at CreateFunction, which includes botocore sending 13 MB of base64.
    report("  CreateFunction of that package, wall (info)", statistics.median(creates) * 1000, "-", True, unit="ms")

"""16 threads of mixed operations and invocations: no exception, no lost update, no deadlock."""

from __future__ import annotations

import json

import boto3
from botocore.config import Config

from lambdamock import mock_lambda, package
from tests.helpers import ROLE, in_threads

THREADS = 16
ROUNDS = 12
# A handler that calls back into the mock while it runs: it would hang if the invoking
# thread held one of lambdamock's locks around the handler.
CALLBACK = (
    "import boto3\n"
    "client = boto3.client('lambda', region_name='us-east-1')\n"
    "def handler(event, context):\n"
    "    client.get_function(FunctionName=event['name'])\n"
    "    client.invoke(FunctionName='echo', Payload=b'{}')\n"
    "    return event['round']\n"
)


def test_mixed_load_loses_nothing_and_finishes() -> None:
    with mock_lambda() as mock:
        client = boto3.client("lambda", region_name="us-east-1",
                              config=Config(retries={"total_max_attempts": 1}, max_pool_connections=THREADS))
        client.create_function(FunctionName="echo", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return e\n"})})
        client.create_function(FunctionName="shared", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return e\n"})})
        shared_versions: list[str] = []
        failures: list[BaseException] = []

        def worker(index: int) -> None:
            name = f"fn{index}"
            try:
                client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                       Timeout=30, Code={"ZipFile": package({"app.py": CALLBACK})})
                client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1 + index % 3)
                for round_ in range(ROUNDS):
                    client.update_function_configuration(FunctionName=name, Description=f"round {round_}")
                    version = client.publish_version(FunctionName=name)["Version"]
                    assert version == str(round_ + 1)
                    if round_ == 0:
                        client.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
                    else:
                        client.update_alias(FunctionName=name, Name="live", FunctionVersion=version)
                    payload = json.dumps({"name": name, "round": round_})
                    answer = client.invoke(FunctionName=name, Qualifier="live", Payload=payload)
                    assert json.loads(answer["Payload"].read()) == round_ and answer["ExecutedVersion"] == version
                    client.update_function_configuration(FunctionName="shared", Description=f"{name} {round_}")
                    shared_versions.append(client.publish_version(FunctionName="shared")["Version"])
                    client.invoke(FunctionName="shared", InvocationType="Event", Payload=payload)
            except BaseException as error:
                failures.append(error)

        in_threads(worker, THREADS, timeout=120)
        assert not failures, failures[:3]
        mock.wait(timeout=60)

        for index in range(THREADS):
            name = f"fn{index}"
            versions = client.list_versions_by_function(FunctionName=name)["Versions"]
            assert [v["Version"] for v in versions] == ["$LATEST", *map(str, range(1, ROUNDS + 1))]
            assert client.get_alias(FunctionName=name, Name="live")["FunctionVersion"] == str(ROUNDS)
            assert mock.concurrency(name).current == 0
        # Two publishes of the same content give the same version; every version is one someone got.
        pages = client.get_paginator("list_versions_by_function").paginate(FunctionName="shared")
        listed = [v["Version"] for page in pages for v in page["Versions"]][1:]
        assert listed == [str(n) for n in range(1, len(listed) + 1)]
        assert set(shared_versions) == set(listed)
        kinds = [(record.function_name, record.invocation_type) for record in mock.invocations]
        assert kinds.count(("shared", "Event")) == THREADS * ROUNDS, "every Event invocation ran once"
        assert sum(1 for name, kind in kinds if name.startswith("fn")) == THREADS * ROUNDS
        assert kinds.count(("echo", "RequestResponse")) == THREADS * ROUNDS


def test_function_url_requests_on_many_connections_are_each_answered_once_on_their_own_connection() -> None:
    # A URL's response leaves from whichever thread ends its invocation (see waits.relay), usually the
    # environment's: under load none may be lost, doubled, or written to another connection.
    import http.client

    from tests.url_helpers import public

    source = "import time\ndef handler(event, context):\n    time.sleep(0.001)\n    return event['rawPath']\n"
    with mock_lambda() as mock:
        client = boto3.client("lambda", region_name="us-east-1")
        url = public(client, mock, source)
        client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=4)  # some are throttled
        address, _, prefix = url.removeprefix("http://").partition("/")
        answers: dict[tuple[int, int], tuple[int, bytes]] = {}
        failures: list[BaseException] = []

        def worker(index: int) -> None:
            connection = http.client.HTTPConnection(address, timeout=30)
            try:
                for round_ in range(ROUNDS):
                    connection.request("GET", f"/{prefix}{index}/{round_}")
                    response = connection.getresponse()
                    answers[index, round_] = (response.status, response.read())
            except BaseException as error:  # shown below, with the test's own failure
                failures.append(error)
            finally:
                connection.close()

        in_threads(worker, THREADS)
        assert not failures, failures[:3]
        assert len(answers) == THREADS * ROUNDS
        answered = {key for key, (status, _) in answers.items() if status == 200}
        for (index, round_), (status, body) in answers.items():
            assert (status, body) == (200, f"/{index}/{round_}".encode()) or status == 429
        assert answered  # not everything was throttled
        # Each answered request ran once; a throttled one did not run.
        ran = sorted(json.loads(record.event)["rawPath"] for record in mock.invocations)
        assert ran == sorted(f"/{index}/{round_}" for index, round_ in answered)

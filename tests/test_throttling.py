"""Concurrency enforced at invoke time: reserved, account and provisioned pools, throttles and queues."""

from __future__ import annotations

import json
import threading
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from lambdamock import mock_lambda, package
from tests import probe
from tests.helpers import ROLE, wait_until

THREADS = 32
# No client-side retries: botocore would otherwise retry a 429 after a back-off.
NO_RETRIES = Config(retries={"total_max_attempts": 1}, max_pool_connections=THREADS)


@pytest.fixture
def held(lambda_mock):
    """A client and function "f" whose handler holds until ``probe.release()``."""
    probe.reset()
    client = boto3.client("lambda", region_name="us-east-1", config=NO_RETRIES)
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler", Timeout=60,
                           Code={"ZipFile": package({"app.py": probe.HANDLER})})
    yield client
    probe.release()
    lambda_mock.wait(timeout=30)


def invoke_all(client, count: int, **params: Any) -> tuple[list[Any], list[threading.Thread]]:
    """Start ``count`` invocations at once; results arrive as ("ok", payload) or (code, reason, response)."""
    results: list[Any] = []
    barrier = threading.Barrier(count)

    def call() -> None:
        barrier.wait()
        try:
            payload = client.invoke(FunctionName="f", Payload=b'"hi"', **params)["Payload"].read()
            results.append(("ok", payload))
        except ClientError as error:
            results.append((error.response["Error"]["Code"], error.response.get("Reason"), error.response))

    threads = [threading.Thread(target=call) for _ in range(count)]
    for thread in threads:
        thread.start()
    return results, threads


def finish(threads: list[threading.Thread]) -> None:
    probe.release()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)


@pytest.mark.parametrize("wave", range(3))
def test_reserved_concurrency_admits_exactly_n_per_wave(held, lambda_mock, wave):
    reserved = 4
    held.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=reserved)
    for _ in range(2):  # two waves on the same function: capacity comes back after each
        probe.reset()
        results, threads = invoke_all(held, THREADS)
        wait_until(lambda: len(results) == THREADS - reserved and probe.inside == reserved, timeout=30)  # noqa: B023
        assert probe.peak == reserved
        throttled = list(results)
        finish(threads)
        assert {(code, reason) for code, reason, _ in throttled} == {
            ("TooManyRequestsException", "ReservedFunctionConcurrentInvocationLimitExceeded")
        }
        assert sorted(results, key=str)[-reserved:] == [("ok", b'"hi"')] * reserved
        assert probe.peak == reserved and probe.entered == reserved
    usage = lambda_mock.concurrency("f")
    assert (usage.current, usage.peak, usage.throttles) == (0, reserved, 2 * (THREADS - reserved))


def test_throttle_response_is_awss(held, aws_error):
    held.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
    with aws_error(held, "TooManyRequestsException", "Rate Exceeded.") as info:
        held.invoke(FunctionName="f", Payload=b"{}")
    assert info.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    # Recorded: LocalStack test_lambda.snapshot.json, TestLambdaConcurrency::test_lambda_concurrency_block —
    # no Retry-After header, so botocore shows no retryAfterSeconds.
    assert "retry-after" not in info.response["ResponseMetadata"]["HTTPHeaders"]
    assert "retryAfterSeconds" not in info.response
    assert probe.entered == 0


def test_account_pool_throttles_unreserved_functions():
    probe.reset()
    with mock_lambda(concurrency_limit=3) as mock:
        client = boto3.client("lambda", region_name="us-east-1", config=NO_RETRIES)
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler", Timeout=60,
                               Code={"ZipFile": package({"app.py": probe.HANDLER})})
        results, threads = invoke_all(client, 8)
        wait_until(lambda: len(results) == 5 and probe.inside == 3, timeout=30)
        assert {(code, reason) for code, reason, _ in results} == {
            ("TooManyRequestsException", "ConcurrentInvocationLimitExceeded")
        }
        finish(threads)
        # The pool is whole again once they end; the most at once and the throttles stay counted.
        assert client.invoke(FunctionName="f", Payload=b'"again"')["Payload"].read() == b'"again"'
        usage = mock.concurrency("f")
        assert (usage.current, usage.peak, usage.throttles) == (0, 3, 5)


def test_a_reservation_is_kept_for_its_function(held, lambda_mock):
    """Reserved capacity is not available to other functions: 1000 - 900 leaves 100 for the rest."""
    held.create_function(FunctionName="g", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                         Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return 'g'\n"})})
    held.put_function_concurrency(FunctionName="g", ReservedConcurrentExecutions=900)
    assert held.invoke(FunctionName="g")["Payload"].read() == b'"g"'
    assert lambda_mock.state.region("us-east-1").gate.unreserved_capacity() == 100


def test_events_wait_for_capacity_and_are_never_lost(held, lambda_mock):
    held.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=1)
    for index in range(6):
        assert held.invoke(FunctionName="f", InvocationType="Event", Payload=json.dumps(index))["StatusCode"] == 202
    wait_until(lambda: probe.inside == 1, timeout=30)
    probe.release()
    lambda_mock.wait(timeout=30)
    ran = sorted(json.loads(record.event) for record in lambda_mock.invocations)
    assert ran == list(range(6))
    assert probe.peak == 1


def test_raising_a_reservation_lets_waiting_events_run(held, lambda_mock):
    # Throttled events wait in the function's queue and are retried while capacity lacks (the developer guide's
    # asynchronous invocation page): more reserved concurrency is more capacity, used without waiting for the
    # execution that holds the old reservation to end.
    # Each event is sent once the one before is running or throttled, so the two throttled ones wait together
    # (this found that they then ran one after the other, on one thread).
    held.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=1)
    for index in range(3):
        held.invoke(FunctionName="f", InvocationType="Event", Payload=json.dumps(index))
        wait_until(lambda index=index: (probe.inside, lambda_mock.concurrency("f").throttles) == (1, index),
                   timeout=30)
    held.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=3)
    wait_until(lambda: probe.inside == 3, timeout=10)  # while the first still holds (30 s at most)
    probe.release()
    lambda_mock.wait(timeout=30)
    assert sorted(json.loads(record.event) for record in lambda_mock.invocations) == [0, 1, 2]


def test_events_for_a_zero_reservation_are_not_run(held, lambda_mock):
    # AWS sends them, unrun, to the failure destination or dead-letter queue (ZeroReservedConcurrency;
    # LocalStack test_lambda.snapshot.json, TestLambdaConcurrency::test_reserved_concurrency): they do not wait.
    held.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
    assert held.invoke(FunctionName="f", InvocationType="Event", Payload=b"1")["StatusCode"] == 202
    lambda_mock.wait(timeout=10)
    probe.release()
    held.delete_function_concurrency(FunctionName="f")
    lambda_mock.wait(timeout=10)
    assert lambda_mock.invocations == []


def test_provisioned_environments_serve_first_and_load_spills_over(held, lambda_mock):
    held.publish_version(FunctionName="f")
    held.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=2)
    lambda_mock.wait(timeout=30)
    results, threads = invoke_all(held, 3, Qualifier="1")
    wait_until(lambda: probe.inside == 3, timeout=30)
    finish(threads)
    assert [code for code, *_ in results] == ["ok"] * 3
    cold = sorted(record.cold for record in lambda_mock.invocations)
    assert cold == [False, False, True], "two provisioned environments, one on-demand cold start"


def test_reserved_equal_to_provisioned_blocks_everything_else(held, lambda_mock, aws_error):
    held.publish_version(FunctionName="f")
    held.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=1)
    held.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=1)
    lambda_mock.wait(timeout=30)
    probe.release()
    with aws_error(held, "TooManyRequestsException", "Rate Exceeded.") as info:
        held.invoke(FunctionName="f", Payload=b"{}")
    assert info.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    response = held.invoke(FunctionName="f", Qualifier="1", Payload=b"{}")
    assert response["ExecutedVersion"] == "1"


def test_provisioned_environments_count_within_the_reservation_at_once(held, lambda_mock):
    # Reserved concurrency is the most a function runs at once, its provisioned concurrency included ("Provisioned
    # concurrency counts towards a function's reserved concurrency", the developer guide): with both at 2, a third
    # invocation while two run on the provisioned environments is throttled.
    held.publish_version(FunctionName="f")
    held.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=2)
    held.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=2)
    lambda_mock.wait(timeout=30)
    results, threads = invoke_all(held, 3, Qualifier="1")
    wait_until(lambda: len(results) == 1 and probe.inside == 2, timeout=30)
    assert [(code, reason) for code, reason, _ in results] == [
        ("TooManyRequestsException", "ReservedFunctionConcurrentInvocationLimitExceeded")]
    finish(threads)
    assert sorted(record.cold for record in lambda_mock.invocations) == [False, False]


def test_concurrency_of_an_unknown_function_is_a_key_error(lambda_mock):
    with pytest.raises(KeyError):
        lambda_mock.concurrency("nope")


def test_concurrency_takes_a_function_arn_as_function_url_does(client, lambda_mock, create_function):
    # Found in review: mock.function_url(arn) worked, mock.concurrency(arn) said there was no such function.
    arn = create_function("f")["FunctionArn"]
    client.invoke(FunctionName="f", Payload=b"{}")
    assert lambda_mock.concurrency(arn) == lambda_mock.concurrency(f"{arn}:$LATEST") == lambda_mock.concurrency("f")
    with pytest.raises(ValueError, match="not a function name or ARN"):
        lambda_mock.concurrency("arn:aws:s3:::bucket")
    with pytest.raises(KeyError, match="no function"):  # another account's, which the mock does not hold
        lambda_mock.concurrency(arn.replace(":123456789012:", ":999999999999:"))
    with pytest.raises(ValueError, match="is not in region eu-west-1"):
        lambda_mock.concurrency(arn, region="eu-west-1")


def test_concurrency_of_a_function_never_invoked_is_all_zero(lambda_mock, create_function):
    create_function("f")
    assert (lambda_mock.concurrency("f").current, lambda_mock.concurrency("f").peak,
            lambda_mock.concurrency("f").throttles) == (0, 0, 0)


def test_concurrency_of_a_name_in_several_regions_asks_for_the_region(client, lambda_mock, create_function):
    # docs/concurrency.md: "Pass region= when functions with that name exist in several regions."
    west = boto3.client("lambda", region_name="eu-west-1")
    create_function("f")
    create_function("f", via=west)
    west.invoke(FunctionName="f", Payload=b"{}")
    with pytest.raises(ValueError, match=r"^functions named 'f' exist in several regions: pass region=$"):
        lambda_mock.concurrency("f")
    assert lambda_mock.concurrency("f", region="eu-west-1").peak == 1
    assert lambda_mock.concurrency("f", region="us-east-1").peak == 0
    with pytest.raises(KeyError, match="no function"):
        lambda_mock.concurrency("f", region="ap-south-1")  # a region the mock never used


VARIANT = ("import os\nfrom tests import probe\n"
           "def handler(event, context):\n    probe.hold()\n    return os.environ['VARIANT']\n")


@pytest.fixture
def variant(lambda_mock):
    """A client and function "v" (VARIANT, variant "1", reserved concurrency 1), its handlers held until released."""
    probe.reset()
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName="v", Runtime="python3.12", Role=ROLE, Handler="app.handler", Timeout=60,
                           Code={"ZipFile": package({"app.py": VARIANT})},
                           Environment={"Variables": {"VARIANT": "1"}})
    client.put_function_concurrency(FunctionName="v", ReservedConcurrentExecutions=1)
    yield client
    probe.release()


def _queue_behind_one_running(client, count: int, **params: Any) -> None:
    """Send ``count`` Event invocations; return once the first holds the reservation, the rest queued."""
    for index in range(count):
        client.invoke(FunctionName="v", InvocationType="Event", Payload=json.dumps(index), **params)
    wait_until(lambda: probe.inside == 1, timeout=30)


def _results_once_released(lambda_mock) -> list[str]:
    """Release the held handlers; what each invocation returned, sorted."""
    probe.release()
    lambda_mock.wait(timeout=30)
    return sorted(record.result for record in lambda_mock.invocations)


@pytest.mark.parametrize("qualified", [{}, {"Qualifier": "$LATEST"}])
def test_queued_events_run_latest_as_it_is_when_their_turn_comes(variant, lambda_mock, qualified):
    # Recorded: LocalStack test_lambda.snapshot.json, TestLambdaVersions::test_async_invoke_queue_upon_function_update:
    # events queued behind a reservation before an update run the updated $LATEST ("02-before--variant-2").
    # Qualifier $LATEST names the version an unqualified invoke runs (both answer ExecutedVersion "$LATEST").
    _queue_behind_one_running(variant, 3, **qualified)
    variant.update_function_configuration(FunctionName="v", Environment={"Variables": {"VARIANT": "2"}})
    assert _results_once_released(lambda_mock) == ["1", "2", "2"]


def test_queued_events_for_an_alias_run_the_version_it_points_to_when_their_turn_comes(variant, lambda_mock):
    variant.publish_version(FunctionName="v")
    variant.update_function_configuration(FunctionName="v", Environment={"Variables": {"VARIANT": "2"}})
    variant.publish_version(FunctionName="v")
    variant.create_alias(FunctionName="v", Name="live", FunctionVersion="1")
    _queue_behind_one_running(variant, 3, Qualifier="live")
    variant.update_alias(FunctionName="v", Name="live", FunctionVersion="2")
    assert _results_once_released(lambda_mock) == ["1", "2", "2"]
    assert sorted(record.executed_version for record in lambda_mock.invocations) == ["1", "2", "2"]


def test_queued_events_of_a_deleted_function_do_not_run_a_new_one_of_its_name(variant, lambda_mock):
    _queue_behind_one_running(variant, 2)
    variant.delete_function(FunctionName="v")
    variant.create_function(FunctionName="v", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": package({"app.py": "def handler(event, context):\n    return 'other'\n"})})
    assert _results_once_released(lambda_mock) == ["1", "1"]

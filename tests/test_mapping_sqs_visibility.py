"""SQS mappings and time: batching windows, visibility timeouts, and how long the function may run."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from tests.mapping_helpers import eventually
from tests.sqs_helpers import World
from tests.sqs_helpers import world as world


def windowed(world: World, size: int, window: int, count: int) -> str:
    """A mapping of a fresh queue holding ``count`` messages, created disabled; its UUID."""
    world.function()
    # AWS's advice holds here too: a visibility timeout longer than the window.
    url, arn = world.queue("windowed", VisibilityTimeout=str(2 * window + 30))
    uuid: str = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=arn, BatchSize=size,
                                                      MaximumBatchingWindowInSeconds=window, Enabled=False)["UUID"]
    world.send(*(f"m{n}" for n in range(count)), url=url)
    return uuid


def test_a_batching_window_gathers_beyond_one_receive(world):
    uuid = windowed(world, size=100, window=1, count=35)
    started = time.monotonic()
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    world.mock.wait()
    # Fewer than BatchSize messages: the batch waits for its window, then goes as one.
    assert [len(batch) for batch in world.batches()] == [35]
    assert time.monotonic() - started >= 0.9


def test_a_full_batch_does_not_wait_for_its_window(world):
    uuid = windowed(world, size=20, window=30, count=20)
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    eventually(lambda: len(world.mock.invocations) == 1, timeout=10)
    assert [len(batch) for batch in world.batches()] == [20]


def test_a_window_within_the_visibility_timeout_is_kept_though_the_function_may_run_as_long(world):
    # Recorded: LocalStack's AWS-validated test_sqs_event_source_mapping_batching_reserved_concurrency
    # (test_lambda_integration_sqs.snapshot.json: "batch_info": {"total_batches_received": 2}). 30 messages wait,
    # BatchSize 20, a 1 s window, and the function may run the queue's whole 30 s visibility timeout: batches still
    # fill across reads of 10.
    url, arn = world.queue("even", VisibilityTimeout="30")
    world.function(timeout=30)
    world.send(*(f"m{n}" for n in range(30)), url=url)
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=arn, BatchSize=20,
                                          MaximumBatchingWindowInSeconds=1)
    world.mock.wait()
    assert [len(batch) for batch in world.batches()] == [20, 10]
    assert world.remaining(url) == 0


def test_a_message_throttled_past_its_visibility_timeout_is_the_queue_s_again(world):
    """ "Lambda continues to retry the message until the message's timestamp exceeds your queue's visibility
    timeout, at which point Lambda drops the message" (services-sqs-errorhandling): received again, it counts
    towards the queue's redrive policy ("Set the maxReceiveCount on the queue's redrive policy to at least 5 to
    avoid sending messages to the dead letter queue due to throttling", with-sqs)."""
    world.function()
    world.lam.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
    dead_url, dead_arn = world.queue("dead")
    url, arn = world.queue("paused", RedrivePolicy=json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 2}))
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=arn)
    world.send("paused", url=url)
    eventually(lambda: world.remaining(dead_url) == 1, timeout=15)
    assert world.remaining(url) == 0 and world.mock.invocations == []
    world.mock.wait(timeout=10)  # nothing is left to do


def test_a_queue_must_hide_a_message_as_long_as_the_function_may_run(world):
    # AWS's check and text, as deployment logs quote it (e.g. terraform-provider-aws#18099): "Queue visibility
    # timeout: 30 seconds is less than Function timeout: 60 seconds". Checked on update too.
    _, arn = world.queue("slow", VisibilityTimeout="30")
    world.function(name="long", timeout=60)
    with pytest.raises(world.lam.exceptions.InvalidParameterValueException) as refused:
        world.lam.create_event_source_mapping(FunctionName="long", EventSourceArn=arn)
    assert refused.value.response["Error"]["Message"] == (
        "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds")
    assert world.lam.list_event_source_mappings()["EventSourceMappings"] == []
    world.function(name="short", timeout=30)
    uuid = world.lam.create_event_source_mapping(FunctionName="short", EventSourceArn=arn)["UUID"]
    with pytest.raises(world.lam.exceptions.InvalidParameterValueException):
        world.lam.update_event_source_mapping(UUID=uuid, FunctionName="long")
    assert world.lam.get_event_source_mapping(UUID=uuid)["FunctionArn"].endswith(":function:short")


SLOW_FOR_M = "import time\ndef handler(event, context):\n    if event['Records'][0]['body'].startswith('m'):\n" \
             "        time.sleep(1.5)\n"


@pytest.mark.parametrize("change", ["lowered after a batch", "raised during the batch"])
def test_a_batch_deadline_uses_the_visibility_timeout_its_messages_were_hidden_with(world, monkeypatch, change):
    # The function may run 3 s (its handler takes 1.5 s). A batch leaves while those 3 s still fit in the visibility
    # timeout its messages were received with: then they are deleted before they are visible again, and a second
    # mapping, made once the first holds them, never receives them. A SetQueueAttributes after an earlier batch is
    # heeded; one during the batch is not, since its messages stay hidden as long as they were told.
    from lambdamock.sources import sqs

    monkeypatch.setattr(sqs, "_VISIBILITY_KEPT", 0.0)  # asked again at every batch
    receive, raised, read = sqs.SqsReader.receive, threading.Event(), []

    def receive_until_raised(self: Any, limit: int) -> list:
        got = receive(self, limit)
        read.extend(message for message in got if message.record["body"].startswith("m"))
        # A read may come while the four are still being sent, and take some: the batch goes on reading the rest.
        if len(read) == 4 and got:
            raised.wait(10)  # the raise comes between the read and what the poller does with it
        return got

    if change == "raised during the batch":
        monkeypatch.setattr(sqs.SqsReader, "receive", receive_until_raised)
    url, arn = world.queue("changed", VisibilityTimeout="6" if change == "lowered after a batch" else "4")
    world.function(SLOW_FOR_M, timeout=3)
    world.function(name="g")
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=arn, BatchSize=100,
                                          MaximumBatchingWindowInSeconds=30)
    if change == "lowered after a batch":
        world.send(*[f"w{n}" for n in range(100)], url=url)  # a full batch: it leaves at once
        eventually(lambda: world.remaining(url) == 0)
        world.sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "4"})
    world.send(*[f"m{n}" for n in range(4)], url=url)

    def held() -> bool:
        attributes = world.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        return attributes["ApproximateNumberOfMessagesNotVisible"] == "4"

    eventually(held)
    if change == "raised during the batch":
        world.sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "10"})
        raised.set()
    world.lam.create_event_source_mapping(FunctionName="g", EventSourceArn=arn, BatchSize=100,
                                          MaximumBatchingWindowInSeconds=30)
    world.mock.wait(timeout=30)
    assert sorted(body for batch in world.batches() for body in batch if body.startswith("m")) == [
        "m0", "m1", "m2", "m3"]
    assert world.remaining(url) == 0

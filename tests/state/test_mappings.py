"""A mapping's state and LastModified through its transitions."""

from __future__ import annotations

from lambdamock.state.functions import now
from lambdamock.state.mappings import DISABLING, EventSourceMapping, MappingConfig
from tests.helpers import wait_until

QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"


def mapping() -> EventSourceMapping:
    config = MappingConfig(QUEUE, "sqs", "f", None, 10)
    return EventSourceMapping("u", "arn:aws:lambda:us-east-1:123456789012:event-source-mapping:u", "us-east-1",
                              config, "arn:aws:lambda:us-east-1:123456789012:function:f", True, "USER_INITIATED")


def later_than(moment: object) -> None:
    wait_until(lambda: now() > moment)


def test_last_modified_moves_when_the_state_settles_and_only_then() -> None:
    # "The date that the event source mapping was last updated or that its state changed"
    # (EventSourceMappingConfiguration.LastModified, in the API reference).
    found = mapping()
    created = found.last_modified
    later_than(created)
    found.settle()
    assert (found.state, found.last_modified > created) == ("Enabled", True)
    settled = found.last_modified
    later_than(settled)
    found.settle()  # no change of state: no change of date
    assert found.last_modified == settled
    found.enabled = False
    found.begin(DISABLING)
    began = found.last_modified
    later_than(began)
    found.settle()
    assert (found.state, found.last_modified > began) == ("Disabled", True)

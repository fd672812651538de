"""Batches flush at BatchSize, when their window closes, or before passing 6 MB."""

from __future__ import annotations

import json

from lambdamock.sources.batching import Batch, event


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def encoded(n: int) -> bytes:
    return json.dumps({"n": n}).encode()


def test_an_empty_batch_is_never_due():
    batch: Batch[int] = Batch(10, 0, clock=Clock())
    assert not batch and not batch.due() and batch.deadline is None and batch.room == 10


def test_without_a_window_whatever_was_read_is_due_at_once():
    batch: Batch[int] = Batch(10, 0, clock=Clock())
    batch.add(1, encoded(1))
    assert batch.due() and not batch.full


def test_a_full_batch_is_due_before_its_window_closes():
    clock = Clock()
    batch: Batch[int] = Batch(3, 5, clock=clock)
    for n in range(2):
        batch.add(n, encoded(n))
    assert not batch.due() and batch.room == 1
    batch.add(2, encoded(2))
    assert batch.full and batch.due()


def test_the_window_opens_with_the_first_record_and_closes_after_its_length():
    clock = Clock()
    batch: Batch[int] = Batch(100, 5, clock=clock)
    clock.now = 200.0
    batch.add(1, encoded(1))
    assert batch.deadline == 205.0
    clock.now = 204.9
    batch.add(2, encoded(2))
    assert not batch.due()
    clock.now = 205.0
    assert batch.due()


def test_take_empties_the_batch_and_gives_the_records_and_their_encodings():
    batch: Batch[int] = Batch(10, 0, clock=Clock())
    for n in range(3):
        batch.add(n, encoded(n))
    items, encodings = batch.take()
    assert items == [0, 1, 2]
    assert json.loads(event(encodings)) == {"Records": [{"n": 0}, {"n": 1}, {"n": 2}]}
    assert not batch and batch.deadline is None and batch.room == 10


def test_a_record_that_would_pass_the_payload_limit_does_not_fit():
    big = json.dumps({"body": "x" * 1000}).encode()
    limit = len(event([big, big]))
    batch: Batch[int] = Batch(100, 0, limit=limit, clock=Clock())
    assert batch.fits(big)
    batch.add(1, big)
    assert batch.fits(big)
    batch.add(2, big)
    assert not batch.fits(b"{}")
    assert len(event(batch.take()[1])) == limit
    batch.add(3, big)
    assert batch.fits(big), "a batch taken from counts its bytes afresh"


def test_a_record_whose_event_alone_is_exactly_the_payload_limit_is_taken():
    # As fits: "within the payload limit" includes the limit itself.
    big = json.dumps({"body": "x" * 1000}).encode()
    batch: Batch[int] = Batch(100, 0, limit=len(event([big])), clock=Clock())
    assert batch.takes(big) and not batch.takes(big + b" ")


def test_a_lone_record_always_fits():
    batch: Batch[int] = Batch(10, 0, limit=10, clock=Clock())
    assert batch.fits(b"x" * 100)


def test_the_default_limit_is_invokes_6_mb():
    assert Batch(10, 0).limit == 6 * 1024 * 1024

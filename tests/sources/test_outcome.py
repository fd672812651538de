"""Partial batch responses: which records failed, as Lambda reads ReportBatchItemFailures."""

from __future__ import annotations

import json

import pytest

from lambdamock.runtime import InvocationResult
from lambdamock.sources.outcome import failed_items

IDS = frozenset({"a", "b", "c"})


def result(value: object = None, error: str | None = None, raw: bytes | None = None) -> InvocationResult:
    payload = raw if raw is not None else json.dumps(value).encode()
    return InvocationResult("r", payload, error, "", 1.0, None, False, False)


def test_a_function_error_fails_the_whole_batch():
    assert failed_items(result({"errorMessage": "x"}, error="Unhandled"), IDS, report=True) is None


def test_without_reporting_any_answer_is_success():
    assert failed_items(result({"batchItemFailures": [{"itemIdentifier": "a"}]}), IDS, report=False) == frozenset()


@pytest.mark.parametrize("value", ["", [], None, {}, {"batchItemFailures": []}, {"batchItemFailures": None},
                                   {"other": 1}])
def test_answers_that_mean_success(value):
    assert failed_items(result(value), IDS, report=True) == frozenset()


def test_named_items_failed():
    answer = {"batchItemFailures": [{"itemIdentifier": "b"}, {"itemIdentifier": "c"}]}
    assert failed_items(result(answer), IDS, report=True) == {"b", "c"}


@pytest.mark.parametrize("entry", [{"itemIdentifier": 123}, {"itemIdentifier": ""}, {"itemIdentifier": None},
                                   {"foo": "a"}, {"foo": None}, {"itemIdentifier": "unknown"}, "a"])
def test_a_bad_entry_fails_the_whole_batch(entry):
    assert failed_items(result({"batchItemFailures": [entry]}), IDS, report=True) is None


def test_a_response_that_is_not_json_fails_the_whole_batch():
    assert failed_items(result(raw=b"not json"), IDS, report=True) is None
    assert failed_items(result({"batchItemFailures": "a"}), IDS, report=True) is None

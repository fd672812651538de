"""The pytest plugin: the ``lambda_mock`` fixture."""

from __future__ import annotations

from typing import Iterator

import pytest

from lambdamock._mock import LambdaMock


@pytest.fixture
def lambda_mock() -> Iterator[LambdaMock]:
    """A started LambdaMock with empty state, stopped after the test."""
    with LambdaMock() as mock:
        yield mock

"""The async tests' clients: aioboto3's where it is installed, else aiobotocore's own (skipped without aiobotocore)."""

from __future__ import annotations

from typing import Any

import pytest

from lambdamock import package

aiobotocore_session = pytest.importorskip("aiobotocore.session")
try:
    import aioboto3
except ImportError:
    aioboto3 = None

REGION = "us-east-1"
ECHO = "def handler(event, context):\n    return event\n"


def code(source: str = ECHO) -> dict[str, bytes]:
    return {"ZipFile": package({"app.py": source})}


def aio_client(**options: Any) -> Any:
    """A Lambda client of aioboto3's, or of aiobotocore's own where aioboto3 is not installed."""
    if aioboto3 is not None:
        return aioboto3.Session().client("lambda", region_name=REGION, **options)
    return aiobotocore_session.get_session().create_client("lambda", region_name=REGION, **options)

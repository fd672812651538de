"""Everything lambdamock knows of moto's internals, in one place; moto itself is imported only if already loaded."""

from __future__ import annotations

import sys
from typing import Any


def active() -> bool:
    """True while moto's mock_aws (or a moto decorator) answers AWS calls in this process."""
    if "moto" not in sys.modules:
        return False  # moto was never imported, so it cannot be active
    from moto.core.models import botocore_stubber

    return bool(botocore_stubber.enabled)


def answer(client: Any) -> None:
    """Make moto answer ``client`` even if its session was made before moto was imported."""
    if "moto" in sys.modules:
        from moto.core import patch_client

        patch_client(client)

"""Small builders shared by the layer tests."""

from __future__ import annotations

from typing import Any

from lambdamock import package
from tests.conftest import ACCOUNT, REGION

LAYER_ZIP = package({"python/layerlib.py": "TAG = 'layer'\n"})


def layer_arn(name: str, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:aws:lambda:{region}:{account}:layer:{name}"


def publish(client: Any, name: str = "lib", **overrides: Any) -> dict[str, Any]:
    """PublishLayerVersion of LAYER_ZIP (or the Content given) under ``name``."""
    params = {"LayerName": name, "Content": {"ZipFile": LAYER_ZIP}, **overrides}
    response: dict[str, Any] = client.publish_layer_version(**params)
    return response

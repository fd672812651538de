"""ARN partitions: which one a region belongs to (aws, aws-cn, aws-us-gov, the ISO ones), from botocore's data."""

from __future__ import annotations

import functools
import re
from typing import Any


@functools.cache
def _partition(region: str) -> dict[str, Any]:
    """botocore's entry for the partition of ``region``: a listed region first, then each region pattern; else aws."""
    from botocore.loaders import create_loader

    partitions = create_loader().load_data("partitions")["partitions"]
    for partition in partitions:
        if region in partition.get("regions", {}):
            return dict(partition)
    for partition in partitions:
        pattern = partition.get("regionRegex")
        if pattern and re.match(pattern, region):
            return dict(partition)
    return next(dict(partition) for partition in partitions if partition["id"] == "aws")


def of(region: str) -> str:
    """The partition of ``region`` (aws, aws-cn, aws-us-gov, aws-iso, ...)."""
    return str(_partition(region)["id"])


def dns_suffix(region: str) -> str:
    """The domain of ``region``'s endpoints: amazonaws.com, amazonaws.com.cn, c2s.ic.gov, ..."""
    return str(_partition(region)["outputs"]["dnsSuffix"])

"""ARN partitions: which one a region belongs to (aws, aws-cn, aws-us-gov, the ISO ones), from botocore's data."""

from __future__ import annotations

import functools
import re


@functools.cache
def of(region: str) -> str:
    """The partition of ``region``: a listed region first, then each partition's region pattern; else aws."""
    from botocore.loaders import create_loader

    partitions = create_loader().load_data("partitions")["partitions"]
    for partition in partitions:
        if region in partition.get("regions", {}):
            return str(partition["id"])
    for partition in partitions:
        pattern = partition.get("regionRegex")
        if pattern and re.match(pattern, region):
            return str(partition["id"])
    return "aws"

"""Account-wide settings: limits and usage."""

from __future__ import annotations

from typing import Any

from lambdamock.operations._base import Call

# Lambda's default quotas (bytes), as GetAccountSettings reports them.
_TOTAL_CODE_SIZE = 80530636800
_CODE_SIZE_UNZIPPED = 262144000
_CODE_SIZE_ZIPPED = 52428800


def get_account_settings(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        functions = list(call.region.functions.values())
        code_size = sum(
            version.code.size for entry in functions for version in (entry.latest, *entry.versions.values())
        ) + sum(version.code_size for layer in call.region.layers.values() for version in layer.versions.values())
        gate = call.region.gate
        return {
            "AccountLimit": {
                "TotalCodeSize": _TOTAL_CODE_SIZE,
                "CodeSizeUnzipped": _CODE_SIZE_UNZIPPED,
                "CodeSizeZipped": _CODE_SIZE_ZIPPED,
                "ConcurrentExecutions": gate.limit,
                "UnreservedConcurrentExecutions": gate.unreserved(),
            },
            "AccountUsage": {"TotalCodeSize": code_size, "FunctionCount": len(functions)},
        }

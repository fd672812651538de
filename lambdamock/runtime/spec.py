"""What the runtime is asked to run (FunctionSpec) and what one invocation gives back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional


@dataclass(frozen=True)
class FunctionSpec:
    """One function version as the runtime needs it; config_key changes with code or configuration."""

    function_name: str
    function_arn: str
    version: str
    handler: str
    runtime: str
    code: bytes
    code_sha256: str
    timeout: int
    memory_size: int
    environment: Mapping[str, str]
    region: str
    account_id: str
    config_key: str


@dataclass(frozen=True)
class InvocationResult:
    """The outcome of one invocation, as the Invoke API reports it."""

    request_id: str
    payload: bytes
    function_error: Optional[str]
    log: str
    duration_ms: float
    init_duration_ms: Optional[float]
    cold: bool
    timed_out: bool

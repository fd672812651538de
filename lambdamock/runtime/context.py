"""The context object a Python handler receives, with the Python runtime's field names and types."""

from __future__ import annotations

import time
from typing import Any, Mapping, Optional

from lambdamock._bound import current
from lambdamock.runtime.logs import INFO, Line


class _Shown:
    """Shown as the runtime shows its context objects: ``Name([field=value,...])``, fields in ``_SHOWN`` order."""

    __slots__ = ()
    _SHOWN: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}([" + ",".join(f"{name}={getattr(self, name)}" for name in self._SHOWN) + "])"


class CognitoIdentity(_Shown):
    """context.identity: only filled for calls made through the mobile SDK, so None here."""

    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")
    _SHOWN = __slots__

    def __init__(self) -> None:
        self.cognito_identity_id: Optional[str] = None
        self.cognito_identity_pool_id: Optional[str] = None


class Client(_Shown):
    """context.client_context.client: the calling app, from the ClientContext "client" object."""

    __slots__ = ("app_package_name", "app_title", "app_version_code", "app_version_name", "installation_id")
    _SHOWN = ("installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name")

    def __init__(self, fields: Mapping[str, Any]) -> None:
        self.installation_id = fields.get("installation_id")
        self.app_title = fields.get("app_title")
        self.app_version_name = fields.get("app_version_name")
        self.app_version_code = fields.get("app_version_code")
        self.app_package_name = fields.get("app_package_name")


class ClientContext(_Shown):
    """context.client_context: the decoded ClientContext of a synchronous Invoke."""

    __slots__ = ("client", "custom", "env")
    _SHOWN = ("custom", "env", "client")

    def __init__(self, fields: Mapping[str, Any]) -> None:
        client = fields.get("client")
        self.client = Client(client) if isinstance(client, Mapping) else None
        self.custom = fields.get("custom")
        self.env = fields.get("env")


class LambdaContext(_Shown):
    """The handler's second argument."""

    _SHOWN = ("aws_request_id", "log_group_name", "log_stream_name", "function_name", "memory_limit_in_mb",
              "function_version", "invoked_function_arn", "client_context", "identity", "tenant_id")

    def __init__(
        self,
        *,
        request_id: str,
        function_name: str,
        function_version: str,
        invoked_function_arn: str,
        memory_size: int,
        log_group_name: Optional[str],
        log_stream_name: Optional[str],
        client_context: Optional[Mapping[str, Any]],
        deadline: float,
        tenant_id: Optional[str] = None,
    ) -> None:
        self.aws_request_id = request_id
        self.function_name = function_name
        self.function_version = function_version
        self.invoked_function_arn = invoked_function_arn
        # A string: the runtime reads it from AWS_LAMBDA_FUNCTION_MEMORY_SIZE.
        self.memory_limit_in_mb = str(memory_size)
        self.log_group_name = log_group_name
        self.log_stream_name = log_stream_name
        self.identity = CognitoIdentity()
        self.client_context = ClientContext(client_context) if client_context is not None else None
        # The invocation's TenantId, for a function in tenant isolation mode; None otherwise.
        self.tenant_id = tenant_id
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function times out, never negative."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    def log(self, msg: Any) -> None:
        """Write one event to the invocation's log, as the runtime's context.log does (no newline added)."""
        scope = current()
        if scope is not None and scope.sink is not None:
            scope.sink.append(Line(str(msg), INFO))

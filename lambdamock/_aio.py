"""The second door: aiobotocore (so aioboto3) Lambda clients, answered by the same dispatch as boto3's.

Imported only once aiobotocore is; the seam (``_patch``) installs these wrappers next to botocore's.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Mapping, Optional

from lambdamock import _active
from lambdamock._patch import answering_copy, serving


class _RawBody:
    """The ``raw`` of an AioAWSResponse: the parts of aiohttp's ClientResponse that aiobotocore reads."""

    def __init__(self, data: bytes, headers: Mapping[str, str], url: str) -> None:
        self._data = data
        self._offset = 0
        self.url = url
        # aiobotocore up to 2.20 reads the headers from here, not from the response.
        self.raw_headers = tuple((name.lower().encode(), str(value).encode()) for name, value in headers.items())
        self.content = self  # aiohttp's ClientResponse.content is its stream reader

    def _take(self, amount: Optional[int]) -> bytes:
        end = len(self._data) if amount is None or amount < 0 else self._offset + amount
        chunk = self._data[self._offset : end]
        self._offset += len(chunk)
        return chunk

    async def read(self, amount: Optional[int] = -1) -> bytes:
        return self._take(amount)

    def at_eof(self) -> bool:
        return self._offset >= len(self._data)

    async def iter_chunks(self) -> Any:
        while not self.at_eof():
            yield self._take(65536), True

    def close(self) -> None:
        """Nothing to release: the body is in memory."""

    release = close

    async def __aenter__(self) -> _RawBody:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()


async def _ready(value: Any) -> Any:
    return value


async def _answer(service: Any, request: Any, operation_model: Any, context: Any) -> list[tuple[Any, Any]]:
    from aiobotocore.awsrequest import AioAWSResponse

    from lambdamock._dispatch import serve

    # Off the event loop: a handler runs for as long as it runs, and other tasks must go on meanwhile.
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # not asyncio: trio, through aiobotocore's anyio endpoint
        import anyio.to_thread

        response = await anyio.to_thread.run_sync(serve, service, request, operation_model, context)
    else:
        response = await asyncio.to_thread(serve, service, request, operation_model, context)
    body = _RawBody(response.body, response.headers, request.url)
    return [(_answer, AioAWSResponse(request.url, response.status, response.headers, body))]


class _Answering:
    """An async event emitter that answers ``before-send`` itself and forwards the rest (see _patch._Answering)."""

    def __init__(self, emitter: Any, service: Any, operation_model: Any, context: Any) -> None:
        self._emitter = emitter
        self._service = service
        self._operation_model = operation_model
        self._context = context

    def emit(self, event_name: str, **kwargs: Any) -> Awaitable[Any]:
        if event_name.startswith("before-send."):
            return _answer(self._service, kwargs["request"], self._operation_model, self._context)
        result: Awaitable[Any] = self._emitter.emit(event_name, **kwargs)
        return result


def do_get_response(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    """AioEndpoint._do_get_response: a Lambda request is answered in-process, on a copy of the endpoint."""
    _, operation_model, context = args
    service = serving(operation_model)  # here, on the caller's thread: which mock owns it
    if service is None:
        return wrapped(*args, **kwargs)
    endpoint = answering_copy(instance, _Answering(instance._event_emitter, service, operation_model, context))
    return wrapped.__func__(endpoint, *args, **kwargs)


def sign(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    """AioRequestSigner.sign: requests lambdamock answers are not signed (see _patch._sign)."""
    signing_type = kwargs.get("signing_type", args[3] if len(args) > 3 else "standard")
    if signing_type == "standard" and instance.signing_name == "lambda" and _active.serving() is not None:
        return _ready(None)
    return wrapped(*args, **kwargs)


TARGETS = (
    ("aiobotocore.endpoint", "AioEndpoint._do_get_response", do_get_response),
    ("aiobotocore.signers", "AioRequestSigner.sign", sign),
)

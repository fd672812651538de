"""The second door: aiobotocore (so aioboto3) Lambda clients, answered by the same dispatch as boto3's.

Imported only once aiobotocore is; the seam (``_patch``) installs these wrappers next to botocore's.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import time
from typing import Any, Awaitable, Callable, Mapping, Optional

from lambdamock import _moto
from lambdamock._credentials import environment_chain, local_credentials, making_client, making_lambda_client
from lambdamock._patch import answering_copy, read_timeout, serving, unsigned
from lambdamock.runtime.waits import Steps, Wait, orphaned, sooner


class _RawBody:
    """The ``raw`` of an AioAWSResponse: the parts of aiohttp's ClientResponse that aiobotocore reads."""

    def __init__(self, data: bytes, headers: Mapping[str, str], url: str) -> None:
        self._data = data
        self._offset = 0
        self._headers = headers
        self.url = url
        self.content = self  # aiohttp's ClientResponse.content is its stream reader

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """What aiobotocore up to 2.20 reads the headers from (not from the response)."""
        return tuple((name.lower().encode(), str(value).encode()) for name, value in self._headers.items())

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


# Operations whose work is running a handler: their waits are awaited on the event loop itself.
_STEPPED = frozenset({"Invoke", "InvokeWithResponseStream"})


# How long the loop watches a step's signal before it awaits it. A trivial handler is done by then, and
# being woken through the loop's self-pipe costs more than this; a loop awaiting another invocation
# already does not watch, so concurrent invocations are not held back.
_WATCH_S = 0.0002
# The loops awaiting an invocation, each with how many (each loop's entry is changed on its own thread).
_awaiting: dict[asyncio.AbstractEventLoop, int] = {}


def _resolve(future: asyncio.Future[bool], ready: bool) -> None:
    if not future.done():
        future.set_result(ready)


async def _waited(loop: asyncio.AbstractEventLoop, wait: Wait, abandoned: Callable[[Wait], None],
                  until: Optional[float] = None) -> bool:
    """Await what a step waits for; False when it did not come by its deadline (or ``until``, a monotonic time
    before it). ``abandoned`` carries the steps on when the loop was closed meanwhile: nothing resumes this await."""
    left = wait.remaining(until)
    if loop not in _awaiting and wait.signal.settles(min(_WATCH_S, left)):
        return True
    future: asyncio.Future[bool] = loop.create_future()

    def wake() -> None:  # on the environment's thread
        try:
            loop.call_soon_threadsafe(_resolve, future, True)
        except RuntimeError:  # the loop was closed meanwhile, with the caller's task left pending
            _awaiting.pop(loop, None)
            abandoned(wait)

    if not wait.signal.when_set(wake):
        return True
    timer = loop.call_later(left, _resolve, future, False)
    _awaiting[loop] = _awaiting.get(loop, 0) + 1
    try:
        return await future
    finally:
        timer.cancel()
        count = _awaiting.get(loop, 0)  # none when the loop was closed meanwhile (see wake)
        if count <= 1:
            _awaiting.pop(loop, None)
        else:
            _awaiting[loop] = count - 1


async def _stepped(service: Any, steps: Steps[Any], patience: Optional[Callable[[], BaseException]] = None,
                   within: Optional[float] = None) -> Any:
    """Run steps on the running loop, awaiting their waits.

    A caller that goes away (its task cancelled, or ``patience`` giving the error of a client whose read timeout,
    ``within`` seconds, passed first: see _dispatch.serve; or its loop closed with its task left pending) leaves the
    invocation running, as Lambda does when a client disconnects: it keeps its concurrency until the handler ends,
    and is recorded then.
    """
    loop = asyncio.get_running_loop()
    give_up = None if within is None or patience is None else time.monotonic() + within
    unclaimed = [steps]  # popped (atomically) by whichever carries the steps on without this coroutine: once

    def carry_on(wait: Wait) -> None:
        with contextlib.suppress(IndexError):
            orphaned(unclaimed.pop(), wait, service.invoker.orphan)

    try:
        wait = next(steps)
        while True:
            try:
                until = sooner(wait, give_up)
                ready = await _waited(loop, wait, carry_on, until)
                if not ready and until is not None:
                    raise patience()  # type: ignore[misc]
            except BaseException:
                carry_on(wait)
                raise
            wait = steps.send(ready)
    except StopIteration as done:
        return done.value


async def _on_worker(service: Any, work: Callable[[], Any]) -> Any:
    """Run ``work`` on one of anyio's worker threads, counted in what ``mock.wait()`` waits for.

    A caller cancelled meanwhile returns at once, and leaves the work running to its end (an invocation, as Lambda
    does when a client goes away); work that had not started by then is not done.
    """
    import anyio.to_thread

    unclaimed = [work]  # popped (atomically) once: by the worker that does it, or by the caller that went first

    def counted() -> Any:
        try:
            claimed = unclaimed.pop()
        except IndexError:  # the caller was cancelled before this thread began
            return None
        try:
            return claimed()
        finally:
            service.invoker.end()

    # anyio 4.1 renamed the option that leaves a worker thread running when its caller is cancelled.
    named = "abandon_on_cancel" if "abandon_on_cancel" in inspect.signature(anyio.to_thread.run_sync).parameters \
        else "cancellable"
    service.invoker.begin()
    try:
        return await anyio.to_thread.run_sync(counted, **{named: True})
    except BaseException:
        if unclaimed:
            with contextlib.suppress(IndexError):
                unclaimed.pop()
                service.invoker.end()
        raise


async def _answer(service: Any, request: Any, operation_model: Any, context: Any,
                  read_timeout: Optional[float] = None) -> list[tuple[Any, Any]]:
    from aiobotocore.awsrequest import AioAWSResponse

    from lambdamock._dispatch import read_timed_out, serve, serve_steps

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # not asyncio: trio, through aiobotocore's anyio endpoint
        response = await _on_worker(service, functools.partial(serve, service, request, operation_model, context,
                                                               read_timeout))
    else:
        if operation_model.name in _STEPPED:
            # Served on the loop: a handler runs on its environment's thread, and the loop awaits it. An Invoke
            # outliving the client's read timeout raises botocore's error for it, as serve explains.
            response = await _stepped(service, serve_steps(service, request, operation_model, context),
                                      read_timed_out(operation_model, request, read_timeout), read_timeout)
        else:
            # Off the loop: other operations may read packages from S3 or unzip them, which takes a while.
            response = await asyncio.to_thread(serve, service, request, operation_model, context)
    body = _RawBody(response.body, response.headers, request.url)
    return [(_answer, AioAWSResponse(request.url, response.status, response.headers, body))]


class _Answering:
    """An async event emitter that answers ``before-send`` itself and forwards the rest (see _patch._Answering)."""

    def __init__(self, emitter: Any, service: Any, operation_model: Any, context: Any,
                 read_timeout: Optional[float] = None) -> None:
        self._read_timeout = read_timeout
        self._emitter = emitter
        self._service = service
        self._operation_model = operation_model
        self._context = context

    def emit(self, event_name: str, **kwargs: Any) -> Awaitable[Any]:
        if event_name.startswith("before-send."):
            return self._answered(event_name, kwargs)
        result: Awaitable[Any] = self._emitter.emit(event_name, **kwargs)
        return result

    async def _answered(self, event_name: str, kwargs: dict[str, Any]) -> list[tuple[Any, Any]]:
        with _moto.Answered():  # the other handlers see the request first (see _patch._Answering)
            await self._emitter.emit(event_name, **kwargs)
        return await _answer(self._service, kwargs["request"], self._operation_model, self._context,
                             self._read_timeout)


def do_get_response(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    """AioEndpoint._do_get_response: a Lambda request is answered in-process, on a copy of the endpoint."""
    _, operation_model, context = args
    service = serving(operation_model)  # here, on the caller's thread: which mock owns it
    if service is None:
        return wrapped(*args, **kwargs)
    endpoint = answering_copy(instance, _Answering(instance._event_emitter, service, operation_model, context,
                                                   read_timeout(instance)))
    return wrapped.__func__(endpoint, *args, **kwargs)


def sign(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    """AioRequestSigner.sign: as botocore's (see _patch.unsigned)."""
    return _ready(None) if unsigned(instance, args, kwargs) else wrapped(*args, **kwargs)


async def create_client(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    """AioSession._create_client: as botocore's (see _patch.local_credentials)."""
    with making_client(args, kwargs):
        return await wrapped(*args, **kwargs)


async def get_credentials(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    """AioSession.get_credentials: as botocore's (see _patch._get_credentials)."""
    chain = environment_chain(instance) or local_credentials(instance)
    return await (wrapped(*args, **kwargs) if chain is None else chain.load_credentials())


async def instance_region(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    """AioIMDSRegionProvider.provide: as botocore's (see _patch._instance_region)."""
    return None if making_lambda_client() else await wrapped(*args, **kwargs)


# By the module whose import completes them (see _patch._AIO_MODULES).
TARGETS = {
    "aiobotocore.endpoint": (
        ("aiobotocore.endpoint", "AioEndpoint._do_get_response", do_get_response),
        ("aiobotocore.signers", "AioRequestSigner.sign", sign),
    ),
    "aiobotocore.session": (
        ("aiobotocore.session", "AioSession._create_client", create_client),
        ("aiobotocore.session", "AioSession.get_credentials", get_credentials),
        ("aiobotocore.utils", "AioIMDSRegionProvider.provide", instance_region),  # imported by the session
    ),
}

"""The one seam into botocore: Lambda requests are answered before they are sent."""

from __future__ import annotations

import functools
import io
import threading
from typing import Any, Callable, Optional

from lambdamock import _active, _handed_out, _moto, _on_import
from lambdamock._bound import check_not_frozen
from lambdamock._credentials import environment_chain, local_credentials, making_client, making_lambda_client
from lambdamock.errors import MockStoppedError


class _Answering:
    """An event emitter that answers ``before-send`` itself and forwards the rest.

    Answering here, not from a registered handler, puts lambdamock ahead of
    every other ``before-send`` handler (moto's included) in either order of
    activation, while botocore still parses, retries and raises as usual. The
    other handlers still see the request first, as botocore shows it to all of
    them, and may change it (a trace header, say); their answers, and moto's,
    give way to lambdamock's.
    """

    def __init__(self, emitter: Any, answer: Callable[[Any], Any]) -> None:
        self._emitter = emitter
        self._answer = answer

    def emit(self, event_name: str, **kwargs: Any) -> Any:
        if event_name.startswith("before-send."):
            with _moto.Answered():
                self._emitter.emit(event_name, **kwargs)
            return [(self._answer, self._answer(kwargs["request"]))]
        return self._emitter.emit(event_name, **kwargs)


def serving(operation_model: Any) -> Any:
    """The mock that answers this request, or None to let it through; raises once that mock stopped."""
    check_not_frozen()
    prefix = operation_model.service_model.endpoint_prefix
    if prefix != "lambda":
        if prefix in ("logs", "monitoring"):  # what already ran is there to read: ship it first
            shipping = _active.serving()
            if shipping is not None and not shipping.closed:
                shipping.invoker.ship(prefix)
        return None
    service = _active.serving()
    if service is not None and service.forked:
        raise MockStoppedError(
            f"lambdamock: {operation_model.name} was not sent: this process was forked while a mock was active, "
            "and a mock does not cross os.fork() (its handler threads stay in the parent). Start a mock in "
            "the child, or use the 'spawn' start method for multiprocessing."
        )
    if service is not None and service.closed:
        raise MockStoppedError(
            f"lambdamock: {operation_model.name} was not sent: it comes from a thread of a mock that has "
            "stopped: a handler still running after its test ended (call mock.wait() before the mock stops), or a "
            "thread one started, which stays the function's (let it end with the test; see docs/limitations.md)."
        )
    return service


def answering_copy(endpoint: Any, emitter: Any) -> Any:
    """A shallow copy of a botocore endpoint (a plain object: copy.copy's result, for less) with another emitter."""
    clone = object.__new__(type(endpoint))
    clone.__dict__.update(endpoint.__dict__)
    clone._event_emitter = emitter
    return clone


def _do_get_response(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    _, operation_model, context = args
    service = serving(operation_model)
    if service is None:
        return wrapped(*args, **kwargs)
    endpoint = answering_copy(instance, _Answering(
        instance._event_emitter,
        functools.partial(_answer, service, operation_model=operation_model, context=context,
                          read_timeout=read_timeout(instance)),
    ))
    # ``wrapped`` is the original method bound to ``instance``; run it on the copy.
    return wrapped.__func__(endpoint, *args, **kwargs)


class _RawBody(io.BytesIO):
    """The ``raw`` of a botocore response: what StreamingBody and ``content`` read, with the file methods of
    urllib3's response that StreamingBody passes on (``readinto``, ``readlines``, ``tell``, ``readable``)."""

    def stream(self, **_: Any) -> Any:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()

    def close(self) -> None:
        """Nothing to release: the body is in memory, and stays readable as urllib3's stays after a close."""


def read_timeout(endpoint: Any) -> Optional[float]:
    """The seconds the client's socket reads wait (its Config's read_timeout), if it has any: urllib3's Timeout keeps
    it as read_timeout, aiohttp's ClientTimeout (aiobotocore's) as sock_read, httpx's Timeout as read."""
    timeout = getattr(getattr(endpoint, "http_session", None), "_timeout", None)
    for name in ("read_timeout", "sock_read", "read"):
        seconds = getattr(timeout, name, None)
        if isinstance(seconds, (int, float)) and not isinstance(seconds, bool):
            return float(seconds)
    return None


def _answer(service: Any, request: Any, operation_model: Any, context: Any,
            read_timeout: Optional[float] = None) -> Any:
    # Imported on the first Lambda request: ``import lambdamock`` stays cheap.
    from botocore.awsrequest import AWSResponse

    from lambdamock._dispatch import serve

    response = serve(service, request, operation_model, context, read_timeout)
    return AWSResponse(request.url, response.status, response.headers, _RawBody(response.body))


def unsigned(instance: Any, args: Any, kwargs: Any) -> bool:
    """Whether a request lambdamock answers goes unsigned: its client holds no credentials that sign at once.

    A client with fixed credentials (keys given, from variables or a shared file, moto's fakes) signs as
    botocore always does, so ``before-sign`` handlers and signers see the request; the request never
    leaves the process. Other credentials would be looked up or refreshed first (a profile's STS or SSO
    call, instance metadata): those requests are not signed, and nothing is looked up for them.
    """
    signing_type = kwargs.get("signing_type", args[3] if len(args) > 3 else "standard")
    if signing_type != "standard" or instance.signing_name != "lambda" or _active.serving() is None:
        return False
    from botocore.credentials import RefreshableCredentials  # loaded by now: a client is signing

    credentials = instance._credentials
    return credentials is None or isinstance(credentials, RefreshableCredentials)


def _sign(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    return None if unsigned(instance, args, kwargs) else wrapped(*args, **kwargs)


def _create_client(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    with making_client(args, kwargs):
        return wrapped(*args, **kwargs)


def _get_credentials(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    chain = environment_chain(instance) or local_credentials(instance)
    return wrapped(*args, **kwargs) if chain is None else chain.load_credentials()


def _instance_region(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # The "auto" defaults mode asks instance metadata for the region as a client is made; a Lambda client made
    # under a mock asks nobody, and resolves the mode as botocore does where there is no instance metadata.
    return None if making_lambda_client() else wrapped(*args, **kwargs)


_TARGETS = (
    ("botocore.endpoint", "Endpoint._do_get_response", _do_get_response),
    ("botocore.signers", "RequestSigner.sign", _sign),
    ("botocore.session", "Session.create_client", _create_client),
    ("botocore.session", "Session.get_credentials", _get_credentials),
    ("botocore.utils", "IMDSRegionProvider.provide", _instance_region),
    ("urllib3.connectionpool", "HTTPConnectionPool.urlopen", _handed_out.urlopen),
    ("urllib.request", "AbstractHTTPHandler.do_open", _handed_out.do_open),
    ("socket", "getaddrinfo", _handed_out.getaddrinfo),
)

# Patched too once imported (see _aio.TARGETS); never imported here, since aiobotocore costs a tenth
# of a second to import. Each is patched once its import is complete: aiobotocore.session imports
# aiobotocore.endpoint on its way.
_AIO_MODULES = ("aiobotocore.endpoint", "aiobotocore.session")
_lock = threading.Lock()
_count = 0
_saved: list[tuple[Any, str, Any]] = []
_aio_patched: dict[str, Any] = {}  # each aiobotocore module patched: that module object


def _apply(targets: Any) -> None:
    # Caller holds _lock.
    import wrapt  # imported on first start: wrapt 2 loads asyncio, a third of ``import lambdamock``'s budget

    for module, name, wrapper in targets:
        parent, attribute, original = wrapt.resolve_path(module, name)
        _saved.append((parent, attribute, original))
        wrapt.apply_patch(parent, attribute, wrapt.FunctionWrapper(original, wrapper))


def _patch_aio(module: Any) -> None:
    """Serve aiobotocore's clients too; runs at activation for a module imported, or once it gets imported."""
    name = module.__name__
    with _lock:
        if _count and _aio_patched.get(name) is not module:  # loaded again meanwhile, it is a new module
            from lambdamock import _aio

            _apply(_aio.TARGETS[name])
            _aio_patched[name] = module


def acquire() -> None:
    """Install the patches on the first activation; later ones only count."""
    global _count
    with _lock:
        if _count == 0:
            _apply(_TARGETS)
        _count += 1
    _on_import.watch(_AIO_MODULES, _patch_aio)


def release() -> None:
    """Undo one activation; the last one puts back exactly the original attributes."""
    global _count
    with _lock:
        if _count == 0:
            raise RuntimeError("lambdamock: stop() called more times than start()")
        _count -= 1
        if _count == 0:
            while _saved:
                parent, attribute, original = _saved.pop()
                setattr(parent, attribute, original)
            _aio_patched.clear()
            _on_import.withdraw()

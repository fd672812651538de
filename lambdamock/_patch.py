"""The one seam into botocore: Lambda requests are answered before they are sent."""

from __future__ import annotations

import copy
import functools
import threading
from typing import Any, Callable

import wrapt
from botocore.credentials import ReadOnlyCredentials

from lambdamock import _active

# Signing needs credentials even though nothing leaves the process; these
# stand in when a Lambda client has none (a machine with no AWS set-up).
_FAKE_CREDENTIALS = ReadOnlyCredentials("AKIALAMBDAMOCKFAKEKEY", "lambdamock-fake-secret", None)


class _Answering:
    """An event emitter that answers ``before-send`` itself and forwards the rest.

    Answering here, not from a registered handler, puts lambdamock ahead of
    every other ``before-send`` handler (moto's included) in either order of
    activation, while botocore still parses, retries and raises as usual.
    """

    def __init__(self, emitter: Any, answer: Callable[[Any], Any]) -> None:
        self._emitter = emitter
        self._answer = answer

    def emit(self, event_name: str, **kwargs: Any) -> Any:
        if event_name.startswith("before-send."):
            return [(self._answer, self._answer(kwargs["request"]))]
        return self._emitter.emit(event_name, **kwargs)


def _do_get_response(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    _, operation_model, context = args
    service = _active.current()
    if service is None or operation_model.service_model.endpoint_prefix != "lambda":
        return wrapped(*args, **kwargs)
    endpoint = copy.copy(instance)
    endpoint._event_emitter = _Answering(
        instance._event_emitter,
        functools.partial(_answer, service, operation_model=operation_model, context=context),
    )
    # ``wrapped`` is the original method bound to ``instance``; run it on the copy.
    return wrapped.__func__(endpoint, *args, **kwargs)


def _answer(service: Any, request: Any, operation_model: Any, context: Any) -> Any:
    # Imported on the first Lambda request: ``import lambdamock`` stays cheap.
    from lambdamock._dispatch import serve

    return serve(service, request, operation_model, context)


def _add_auth(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    if instance.credentials is None and instance._service_name == "lambda" and _active.current() is not None:
        instance.credentials = _FAKE_CREDENTIALS
    return wrapped(*args, **kwargs)


_TARGETS = (
    ("botocore.endpoint", "Endpoint._do_get_response", _do_get_response),
    ("botocore.auth", "SigV4Auth.add_auth", _add_auth),
)

_lock = threading.Lock()
_count = 0
_saved: list[tuple[Any, str, Any]] = []


def acquire() -> None:
    """Install the patches on the first activation; later ones only count."""
    global _count
    with _lock:
        if _count == 0:
            for module, name, wrapper in _TARGETS:
                parent, attribute, original = wrapt.resolve_path(module, name)
                _saved.append((parent, attribute, original))
                wrapt.apply_patch(parent, attribute, wrapt.FunctionWrapper(original, wrapper))
        _count += 1


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

"""Credentials found without asking anybody: botocore's chain cut down to the providers that read this machine."""

from __future__ import annotations

import contextlib
import copy
from contextvars import ContextVar
from typing import Any, Callable, Iterator, Optional

from lambdamock._bound import current

# The credential providers that read this machine only: variables and files. The others reach out as
# they load (instance metadata, a container's endpoint, a credential process, a role's source
# credentials), or give credentials to refresh first, which do not sign a Lambda request (see
# _patch.unsigned).
_LOCAL_PROVIDERS = frozenset(("env", "shared-credentials-file", "config-file", "ec2-credentials-file", "boto-config"))
_making_lambda_client: ContextVar[bool] = ContextVar("lambdamock_making_lambda_client", default=False)


def local_chain(resolver: Any) -> Any:
    """A copy of a session's credential resolver that asks only the local providers.

    A resolver of the user's own that does not keep botocore's list of providers is asked as it is.
    """
    local = copy.copy(resolver)
    local.providers = [provider for provider in getattr(resolver, "providers", ())
                       if getattr(provider, "METHOD", None) in _LOCAL_PROVIDERS]
    return local


@contextlib.contextmanager
def making_client(args: Any, kwargs: Any) -> Iterator[None]:
    """While a session makes the client ``args`` and ``kwargs`` name (see ``local_credentials``)."""
    service_name = kwargs.get("service_name", args[0] if args else None)
    token = _making_lambda_client.set(service_name == "lambda")
    try:
        yield
    finally:
        _making_lambda_client.reset(token)


def making_lambda_client() -> bool:
    """Whether the calling context is making a Lambda client (see ``making_client``)."""
    return _making_lambda_client.get()


def local_credentials(session: Any) -> Any:
    """The credential chain to ask instead of ``session``'s own, or None to ask its own.

    While mocks are active, a Lambda client made by a session that holds no credentials yet is given
    the keys that variables and shared files hold, if any: nothing else is asked, so making it sends
    nothing out, whether or not the machine has AWS configured. Nothing is kept on the session: its other
    clients look credentials up as botocore always does.
    """
    if not _making_lambda_client.get() or getattr(session, "_credentials", None) is not None:
        return None
    return local_chain(session.get_component("credential_provider"))


def _chain_methods(session: Any) -> set[Any]:
    """How the credentials a session's own chain finds are marked (botocore's ``method``: env, iam-role, ...)."""
    return {getattr(provider, "METHOD", None) for provider in
            getattr(session.get_component("credential_provider"), "providers", ())}


def environment_credentials(session: Any, kind: Callable[..., Any]) -> Optional[Any]:
    """In a function's environment whose variables hold keys (its role's session, see runtime.spec.Credentials):
    those keys, as a ``kind`` (botocore's Credentials, or aiobotocore's), or None where there are none.

    On Lambda a handler's process reads them from its variables, which its credential chain asks first; here its
    sessions may have been made, and have asked their chain, in the test process. Keys a session has from
    elsewhere are kept.
    """
    scope = current()
    if scope is None:
        return None
    if session.instance_variables().get("profile") is not None:
        return None  # botocore skips the variables for a profile named
    own = getattr(session, "_credentials", None)
    if own is not None and own.method not in _chain_methods(session):
        return None  # keys given to the session, or a role it assumed itself, say: not what its chain found
    variables = scope.overlay
    key, secret = variables.get("AWS_ACCESS_KEY_ID"), variables.get("AWS_SECRET_ACCESS_KEY")
    if not key or not secret:
        return None
    return kind(key, secret, variables.get("AWS_SESSION_TOKEN"), method="env")

"""Credentials found without asking anybody: botocore's chain cut down to the providers that read this machine."""

from __future__ import annotations

import contextlib
import copy
from contextvars import ContextVar
from typing import Any, Iterator, Optional

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


def environment_chain(session: Any) -> Optional[Any]:
    """In a function's environment whose variables hold keys (its role's session, see runtime.spec.Credentials):
    the session's own credential chain, to ask afresh instead of keys it holds from asking it before; else None.

    On Lambda a handler's process asks its chain there, which reads the variables first; here its sessions may
    have been made, and have asked their chain, in the test process. What the chain finds is not kept on the
    session (the test process may share it). Keys a session has from elsewhere are kept: given to it, or a role
    it assumed itself, say; and a session that names a profile does not read the variables, as in botocore.
    """
    scope = current()
    if scope is None or not (scope.overlay.get("AWS_ACCESS_KEY_ID") and scope.overlay.get("AWS_SECRET_ACCESS_KEY")):
        return None
    if session.instance_variables().get("profile") is not None:
        return None
    chain = session.get_component("credential_provider")
    own = getattr(session, "_credentials", None)
    if own is not None and own.method not in {getattr(p, "METHOD", None) for p in getattr(chain, "providers", ())}:
        return None
    return chain

"""The gate: lambdamock's own calls to other AWS services are made only where they are answered locally."""

from __future__ import annotations

import functools
import os
import threading
from typing import Any, Mapping, Optional

from lambdamock import _moto
from lambdamock._bound import outside
from lambdamock._credentials import local_chain


class Unreachable(Exception):
    """A call lambdamock would not make: nothing in this process or at a configured endpoint answers it."""


def _advice(service: str) -> str:
    return (
        f"start moto's mock_aws() (or use mock.queue()/mock.stream() for event sources), or point lambdamock "
        f"at an endpoint: mock_lambda(endpoints={{{service!r}: url}}) or {_environment_name(service)}"
    )


@functools.cache
def _environment_name(service: str) -> str:
    """The variable botocore reads for this service's endpoint (AWS_ENDPOINT_URL_<SERVICE ID>)."""
    from botocore.session import get_session

    service_id = get_session().get_service_model(service).service_id
    return "AWS_ENDPOINT_URL_" + str(service_id).upper().replace(" ", "_").replace("-", "_")


# What signs lambdamock's calls to moto when no keys are at hand: moto's own stand-ins, read as its default account.
_MOTO_KEYS = ("FOOBARKEY", "FOOBARSECRET")


@functools.cache
def _loader() -> Any:
    """One botocore model loader for every client lambdamock makes: a service's model is read once."""
    from botocore.loaders import create_loader

    return create_loader()


class _Refused:
    """The HTTP session of a client that answers from moto only: whatever moto leaves unanswered is not sent."""

    def __init__(self, service: str) -> None:
        self._service = service

    def send(self, request: Any) -> Any:
        raise Unreachable(
            f"lambdamock did not send {request.method} {request.url}: moto's mock does not answer it "
            f"(is mock_aws() still active?); to reach {self._service} elsewhere, {_advice(self._service)}"
        )

    def close(self) -> None:
        """Nothing was opened."""


class Outbound:
    """One mock's clients for other AWS services (SQS, Kinesis, S3, SNS, Logs, ...), one per service and region.

    A client is handed out only while its calls stay local: moto's mock is active, or the user
    named an endpoint for that service. Otherwise ``client()`` raises Unreachable, and nothing is
    sent; a client made for moto never sends what moto leaves unanswered.
    """

    def __init__(self, endpoints: Optional[Mapping[str, str]] = None) -> None:
        self._endpoints = dict(endpoints or {})
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str, Optional[str]], Any] = {}

    def endpoint(self, service: str) -> Optional[str]:
        """The endpoint the user named for ``service``: lambdamock's option, then AWS_ENDPOINT_URL[_<SERVICE>] of the
        process (never of a function's variables)."""
        found = self._endpoints.get(service)
        if found:
            return found
        with outside():
            if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
                return None
            return os.environ.get(_environment_name(service)) or os.environ.get("AWS_ENDPOINT_URL") or None

    def client(self, service: str, region: str) -> Any:
        """A boto3 client for ``service`` in ``region``; Unreachable when its calls would leave for AWS.

        Made with the process's variables, even on a function's thread: never with a function's keys or endpoints.
        """
        endpoint = self.endpoint(service)
        if endpoint is None and not _moto.active():
            raise Unreachable(f"lambdamock does not call {service}: it is not mocked. To serve it, {_advice(service)}")
        key = (service, region, endpoint)
        with self._lock:
            found = self._clients.get(key)
        if found is None:
            with outside():
                found = self._make(service, region, endpoint)
            if found._request_signer._credentials is None:
                return found  # kept only once it has keys: keys set later count from the next call
            with self._lock:
                found = self._clients.setdefault(key, found)
        return found

    @staticmethod
    def _make(service: str, region: str, endpoint: Optional[str]) -> Any:
        import boto3
        import botocore.session
        from botocore.config import Config

        # The defaults mode botocore has when none is set: "auto" (AWS_DEFAULTS_MODE) asks instance metadata.
        options: dict[str, Any] = {"retries": {"total_max_attempts": 2}, "connect_timeout": 5, "read_timeout": 10,
                                   "defaults_mode": "legacy"}
        try:
            # DynamoDB Streams' account-based endpoints are unknown to moto; the regional one serves all.
            config = Config(account_id_endpoint_mode="disabled", **options)
        except TypeError:  # a botocore older than account-based endpoints
            config = Config(**options)
        # A fresh session (credentials as the environment has them now), with models loaded once per process.
        session = botocore.session.Session()
        session.register_component("data_loader", _loader())
        # Only keys at hand sign lambdamock's own calls: looking for others would ask instance metadata, a
        # container's endpoint, a role or a credential process.
        chain = local_chain(session.get_component("credential_provider"))
        found = chain.load_credentials()
        if found is not None:
            session.set_credentials(*found.get_frozen_credentials())  # read once, for the client too
        elif endpoint is None:
            # moto's answers (mock_aws may leave the keys to the user); nothing is sent from this client.
            session.set_credentials(*_MOTO_KEYS)
        else:
            session.register_component("credential_provider", chain)  # none yet: nothing but this is asked
        client = boto3.session.Session(botocore_session=session).client(
            service, region_name=region, endpoint_url=endpoint, config=config)
        if endpoint is None:
            _moto.answer(client)
            client._endpoint.http_session = _Refused(service)
        return client

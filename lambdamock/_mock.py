"""The LambdaMock lifecycle: decorator, context manager, start/stop."""

from __future__ import annotations

import os
from collections import abc
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Sequence, TypeVar, Union, overload

from lambdamock import _active, _bound, _decorate, _moto, _patch

if TYPE_CHECKING:
    from lambdamock.sources import LocalQueue, LocalStream, LocalTableStream, LocalTopic
    from lambdamock.sources.triggers import Trigger
    from lambdamock.state.concurrency import Usage
    from lambdamock.state.invocations import Invocation
    from lambdamock.state.service import Service, Unserved

T = TypeVar("T", bound=Callable[..., Any])  # a function or a class

DEFAULT_ACCOUNT_ID = "123456789012"


def _default_account() -> str:
    """The account of a mock not given one: moto's (MOTO_ACCOUNT_ID, as moto reads it), so both mocks are one account."""
    return os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID


# The services lambdamock itself calls (mappings' sources, code and images, destinations, logs, metrics), by boto3's
# names.
_CALLED = frozenset(("cloudwatch", "dynamodbstreams", "ecr", "events", "kinesis", "logs", "s3", "sns", "sqs"))


def _check_options(account_id: Optional[str], concurrency_limit: int, seed: Optional[int],
                   endpoints: Optional[Mapping[str, str]], trigger_permissions: bool) -> None:
    """Options that would only fail later, deep inside a call, are refused as the mock is made."""
    if account_id is not None and not isinstance(account_id, str):
        raise TypeError(f"account_id must be a str of 12 digits (its leading zeros count): {account_id!r}")
    if account_id is not None and not (len(account_id) == 12 and account_id.isdigit()):
        raise ValueError(f"account_id must be 12 digits, as an AWS account id is: {account_id!r}")
    if isinstance(concurrency_limit, bool) or not isinstance(concurrency_limit, int):
        raise TypeError(f"concurrency_limit must be an int: {concurrency_limit!r}")
    if concurrency_limit < 0:
        raise ValueError(f"concurrency_limit must not be negative: {concurrency_limit}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"seed must be an int or None: {seed!r}")
    if endpoints is not None and not (isinstance(endpoints, abc.Mapping) and
                                      all(isinstance(key, str) and isinstance(value, str)
                                          for key, value in endpoints.items())):
        raise TypeError(f"endpoints must map service names to URLs, both str: {endpoints!r}")
    for service, url in (endpoints or {}).items():
        if service not in _CALLED:
            raise ValueError(f"endpoints: lambdamock calls no service named {service!r}; "
                             f"it calls {', '.join(sorted(_CALLED))} (boto3's names)")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"endpoints: {service!r} needs an http:// or https:// URL, not {url!r}")
    if not isinstance(trigger_permissions, bool):
        raise TypeError(f"trigger_permissions must be True or False: {trigger_permissions!r}")


class LambdaMock:
    """An in-memory AWS Lambda serving every boto3 Lambda call while active.

    Each activation (``start()``, ``with``, or a decorated call) begins with
    empty state; ``state`` exposes it for assertions.
    """

    def __init__(
        self,
        *,
        account_id: Optional[str] = None,
        concurrency_limit: int = 1000,
        seed: Optional[int] = None,
        endpoints: Optional[Mapping[str, str]] = None,
        trigger_permissions: bool = True,
    ) -> None:
        _check_options(account_id, concurrency_limit, seed, endpoints, trigger_permissions)
        self._account_id = account_id  # None: the default, read at each start
        self.concurrency_limit = concurrency_limit
        """The account's concurrent executions (``AccountLimit.ConcurrentExecutions``)."""
        self.seed = seed
        """Seeds the draws of weighted aliases, so runs repeat exactly; None: unseeded."""
        self.endpoints = dict(endpoints or {})
        """Where lambdamock may send its own calls to other services (boto3 names: "sqs", "s3", ...) when moto
        does not answer them, e.g. LocalStack's URL."""
        self.trigger_permissions = trigger_permissions
        """False: SNS, S3 and EventBridge invoke a function whatever its resource policy says (moto's leniency)."""
        self._service: Optional[Service] = None
        # The last activation once it stopped: what invocations, unserved and the views still show.
        self._stopped: Optional[Service] = None

    # -- lifecycle ------------------------------------------------------

    def start(self) -> "LambdaMock":
        """Begin serving Lambda calls from fresh, empty state; returns the mock itself."""
        if self._service is not None:
            raise RuntimeError("this LambdaMock is already started")
        _not_from_a_function("start a mock")
        # Imported on first start: ``import lambdamock`` stays cheap.
        from lambdamock import _moto_resources, partitions
        from lambdamock.outbound import Outbound
        from lambdamock.outbound.destinations import Destinations
        from lambdamock.outbound.logs import Logs
        from lambdamock.outbound.metrics import Metrics
        from lambdamock.state.service import Service

        service = Service(self._account_id or _default_account(), self.concurrency_limit, self.seed, Outbound(self.endpoints), partitions.of)
        # What an Event invocation's outcome does: destinations and dead-letter queues, through the gate.
        service.invoker.events.outcomes = Destinations(service)
        # Where functions' logs and Lambda's metrics go: CloudWatch Logs and CloudWatch, when they are mocked.
        service.invoker.shippers = (Logs(service), Metrics(service))
        # Each environment's credentials: its role's session, from moto's STS while moto mocks AWS.
        service.invoker.credentials = _moto_resources.role_credentials
        service.trigger_permissions = self.trigger_permissions
        _moto.bridge()
        _patch.acquire()
        _active.push(service)
        self._service, self._stopped = service, None
        return self

    def stop(self) -> None:
        """Stop serving, drop this activation's state and, when it is the last mock, restore botocore."""
        service = self._service
        if service is None:
            raise RuntimeError("lambdamock: stop() called on a LambdaMock that is not started")
        self._service, self._stopped = None, service
        _active.remove(service)
        # botocore is restored once no thread of this mock is left: a handler still running must
        # not reach the network through an unpatched botocore.
        service.close(on_quiet=_patch.release)

    def __enter__(self) -> "LambdaMock":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def account_id(self) -> str:
        """The account in every ARN: the one given, else MOTO_ACCOUNT_ID, else 123456789012 (read at start)."""
        service = self._service or self._stopped
        if service is not None:
            return service.account_id
        return self._account_id or _default_account()

    @property
    def started(self) -> bool:
        """True between ``start()`` and ``stop()``."""
        return self._service is not None

    # -- display: one line for repr, text tables for print, HTML tables in notebooks

    def __repr__(self) -> str:
        from lambdamock import _render

        return _render.repr_line(self.account_id, self._service or self._stopped)

    def __str__(self) -> str:
        from lambdamock import _render

        return _render.text_view(self.account_id, self._service or self._stopped)

    def _repr_html_(self) -> str:
        from lambdamock import _render

        return _render.html_view(self.account_id, self._service or self._stopped)

    # -- decorating -----------------------------------------------------

    def _fresh(self) -> "LambdaMock":
        return LambdaMock(account_id=self._account_id, concurrency_limit=self.concurrency_limit, seed=self.seed,
                          endpoints=self.endpoints, trigger_permissions=self.trigger_permissions)

    def __call__(self, target: T) -> T:
        """Decorate a function, coroutine function, generator function or class.

        On a ``unittest.TestCase`` a fresh mock covers each test from ``setUp`` to ``tearDown``
        (inherited tests included); on a class with pytest's ``setup_method`` or ``teardown_method``, from one to
        the other; on another class, each ``test*`` method, inherited ones too. Classes defined inside it are
        decorated with it.
        """
        return _decorate.decorate(self._fresh, target)

    # -- inspection -----------------------------------------------------

    @property
    def invocations(self) -> list[Invocation]:
        """Every invocation run so far, oldest first (retries included); after stop(), the last activation's."""
        return self._latest().invoker.records

    @property
    def triggers(self) -> list[Trigger]:
        """Every event SNS, S3 or EventBridge (moto's) sent to a function, oldest first: invoked, or refused and why."""
        return list(self._latest().triggers)

    @property
    def unserved(self) -> list[Unserved]:
        """Every call lambdamock refused with NotServedError, oldest first; after stop(), the last activation's.

        Code under test that catches broad exceptions would otherwise hide them: the pytest
        fixture fails a test that made any (``@pytest.mark.lambda_mock(allow_unserved=True)``).
        """
        return list(self._latest().unserved)

    def _latest(self) -> Service:
        found = self._service or self._stopped
        if found is None:
            raise RuntimeError(
                "this LambdaMock was never started (used as a decorator, a LambdaMock starts a fresh mock for each "
                "call and stays unstarted itself): start it with `with mock:` or mock.start(), or use the pytest "
                "fixture lambda_mock")
        return found

    def wait(self, timeout: Optional[float] = 10.0) -> None:
        """Block until all background invocations have finished.

        Event source mappings count too: their sources are read until what they held when
        ``wait()`` began has been delivered (batching windows included). So does a call to Lambda that
        a function's code made and that runs on because that function timed out.
        Raises TimeoutError when they have not finished within ``timeout`` seconds, naming what was still under
        way: a mapping still delivering what its source holds, or background invocations.
        """
        _not_from_a_function("wait for background invocations, which may include the caller's own")
        pending = self.state.wait(timeout)
        if pending is not None:
            raise TimeoutError(f"{pending} after {timeout} s")

    def concurrency(self, function_name: str, region: Optional[str] = None) -> Usage:
        """A function's executions so far: running ``current``, ``peak`` at once, and ``throttles``.

        ``function_name`` is a name or an ARN (a qualifier is ignored: concurrency is the function's);
        ``region`` is needed only when functions of that name exist in several regions.
        """
        from lambdamock.state import names

        reference = names.parse(function_name)
        if reference is None:
            raise ValueError(f"not a function name or ARN: {function_name!r}")
        if region is not None and reference.region not in (None, region):
            raise ValueError(f"{function_name} is not in region {region}")
        found = None
        if reference.account in (None, self.state.account_id):
            found = self.state.usage(reference.name, region or reference.region)
        if found is None:
            raise KeyError(f"no function {function_name!r} in this mock")
        return found

    def function_url(self, function_name: str, qualifier: Optional[str] = None, *,
                     region: Optional[str] = None) -> str:
        """A loopback URL, ``http://127.0.0.1:<port>/<url id>/``, that serves the function's URL over real HTTP.

        Any HTTP client may call it (append a path and query as to the ``FunctionUrl`` AWS returns):
        each request reaches the function as Lambda's front end sends it, under the URL's AuthType,
        CORS and InvokeMode. The server starts on first use and stops with the mock. ``qualifier``
        names an alias with a URL of its own; ``region`` is needed only when several regions have one.
        """
        from lambdamock import urls

        return urls.base_url(self.state, function_name, qualifier, region)

    # -- in-process event sources ------------------------------------------

    def queue(self, arn: str, *, visibility_timeout: float = 30.0, dead_letter: Optional[LocalQueue] = None,
              max_receive_count: int = 0) -> LocalQueue:
        """An in-process SQS queue at ``arn`` for event source mappings to read (options apply when it is made).

        Create it before the mapping; mappings on that ARN then read it instead of calling SQS.
        """
        from lambdamock.sources import LocalQueue, supervisor

        made = LocalQueue(arn, visibility_timeout=visibility_timeout, dead_letter=dead_letter,
                          max_receive_count=max_receive_count)
        return supervisor.Supervisor.of(self.state).adopt(made)

    def stream(self, arn: str, *, shards: int = 1) -> LocalStream:
        """An in-process Kinesis stream at ``arn`` for event source mappings to read."""
        from lambdamock.sources import LocalStream, supervisor

        return supervisor.Supervisor.of(self.state).adopt(LocalStream(arn, shards=shards))

    def table_stream(self, arn: str, *, view_type: str = "NEW_AND_OLD_IMAGES", shards: int = 1) -> LocalTableStream:
        """An in-process DynamoDB table stream at ``arn`` (``.../table/T/stream/label``) for mappings to read."""
        from lambdamock.sources import LocalTableStream, supervisor

        made = LocalTableStream(arn, view_type=view_type, shards=shards)
        return supervisor.Supervisor.of(self.state).adopt(made)

    def kafka_topic(self, cluster: Union[str, Sequence[str]], topic: str, *, partitions: int = 1) -> LocalTopic:
        """An in-process Kafka topic for event source mappings of ``topic`` to read (``partitions`` apply when it
        is made): on the Amazon MSK cluster whose ARN ``cluster`` is, or on self-managed Kafka when ``cluster``
        names bootstrap servers (a list, or one comma-separated string) that a mapping's servers share one of."""
        from lambdamock.sources import LocalTopic, supervisor

        return supervisor.Supervisor.of(self.state).adopt(LocalTopic(cluster, topic, partitions=partitions))

    @property
    def state(self) -> Service:
        """The live backend state of this activation (read it; change it through boto3)."""
        if self._service is None:
            raise RuntimeError("this LambdaMock is not started")
        return self._service


def _not_from_a_function(what: str) -> None:
    """Refuse what a function's code (a handler, or a thread it started) cannot do while the mock that runs it is
    active: its calls belong to that mock."""
    owner = _active.owner()
    if _bound.current() is not None and owner is not None and not owner.closed:
        raise RuntimeError(f"lambdamock: a function's code cannot {what}; do it from the test")


@overload
def mock_lambda(target: T) -> T: ...


@overload
def mock_lambda(
    *, account_id: Optional[str] = ..., concurrency_limit: int = ..., seed: Optional[int] = ...,
    endpoints: Optional[Mapping[str, str]] = ..., trigger_permissions: bool = ...,
) -> LambdaMock: ...


def mock_lambda(target: Any = None, **options: Any) -> Any:
    """``@mock_lambda``, ``@mock_lambda(...)``, ``with mock_lambda() as m`` or ``m = mock_lambda(); m.start()``."""
    mock = LambdaMock(**options)
    return mock if target is None else mock(target)

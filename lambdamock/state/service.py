"""One mock activation's world: per-region function tables under one lock."""

from __future__ import annotations

import bisect
import functools
import random
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, NamedTuple, Optional

from lambdamock import _active, ids
from lambdamock.runtime.spec import OwnThread
from lambdamock.state import jobs
from lambdamock.state.code_signing import CodeSigningConfigs
from lambdamock.state.concurrency import Gate, Usage
from lambdamock.state.functions import Code, Function
from lambdamock.state.invocations import Invoker
from lambdamock.state.invoke_configs import InvokeConfigs
from lambdamock.state.layers import Layer
from lambdamock.state.mappings import Mappings, Pollers
from lambdamock.state.urls import FunctionUrls, UrlServer

if TYPE_CHECKING:
    from lambdamock.outbound import Outbound
    from lambdamock.sources.triggers import Trigger


class Unserved(NamedTuple):
    """A call lambdamock refused with NotServedError: the operation and the API version it belongs to."""

    operation: str
    api_version: str


class Region:
    """The functions of the mock's account in one region."""

    def __init__(self, name: str, account_id: str, gate: Gate, partition: str = "aws") -> None:
        self.name = name
        self.account_id = account_id
        self.partition = partition  # of the region's ARNs: aws, aws-cn, aws-us-gov, ...
        # Concurrency limits are per account and region, as on AWS.
        self.gate = gate
        self.functions: dict[str, Function] = {}
        self.mappings = Mappings()
        self.invoke_configs = InvokeConfigs()
        self.code_signing = CodeSigningConfigs(name, account_id, partition)
        self.urls = FunctionUrls()
        # Which new traces of functions with Active tracing are sampled.
        self.sampler = ids.Sampler()
        # By layer name; a layer whose versions are all deleted stays, to keep counting its versions.
        self.layers: dict[str, Layer] = {}
        # Names kept sorted so a ListFunctions page starts with a bisect, not a scan.
        self._names: list[str] = []

    def add(self, function: Function) -> None:
        self.functions[function.name] = function
        bisect.insort(self._names, function.name)

    def remove(self, name: str) -> None:
        del self.functions[name]
        del self._names[bisect.bisect_left(self._names, name)]

    def names_after(self, marker: Optional[str]) -> Iterator[str]:
        """Function names in list order, starting after ``marker``."""
        start = 0 if marker is None else bisect.bisect_right(self._names, marker)
        for index in range(start, len(self._names)):
            yield self._names[index]


class Service:
    """All state of one mock activation; ``lock`` guards every table in it."""

    def __init__(self, account_id: str, concurrency_limit: int, seed: Optional[int], outbound: Outbound,
                 partition_of: Callable[[str], str] = lambda region: "aws") -> None:
        self.account_id = account_id
        self._partition_of = partition_of
        # The one way to other AWS services (pollers, destinations, logs): only where calls stay local.
        self.outbound = outbound
        # Draws of weighted aliases; a seed makes their sequence reproducible.
        self.rng = random.Random(seed)
        self.concurrency_limit = concurrency_limit
        self.lock = threading.RLock()
        self._regions: dict[str, Region] = {}
        # Threads working for this mock, live or not yet ended; see spawn().
        self._threads = threading.Condition()
        self._live = 0
        self._on_quiet: Optional[Callable[[], None]] = None
        self.closed = False
        self.forked = False  # this is a forked child's copy: it serves nothing (see _active)
        self.invoker = Invoker(self)
        self.invoker.events.current = functools.partial(jobs.current, self)
        self.unserved: list[Unserved] = []  # appended to only (atomic): read without the lock
        # Events other services pushed to functions (SNS, S3, EventBridge through moto), invoked or refused.
        self.triggers: list[Trigger] = []  # appended to only (atomic): read without the lock
        # The lineage (see state.lineage) of messages handlers sent to queues, by message id.
        self.lineages: dict[str, Mapping[str, int]] = {}
        # Whether a trigger needs the function's resource policy to allow its source, as on AWS.
        self.trigger_permissions = True
        # In-process sources by ARN (mock.queue(), mock.stream(), ...): what mappings read and destinations reach.
        self.local_sources: dict[str, Any] = {}
        # Event source mapping pollers: set by the sources layer when the first one is needed.
        self.pollers: Optional[Pollers] = None
        # The packages of the download URLs handed out (Code.Location, a layer's Content.Location), by URL; set
        # and read item by item (atomic): without the lock.
        self.packages: dict[str, Code] = {}
        # The loopback server of function URLs: set by the urls package when a test first asks for a URL.
        self.url_server: Optional[UrlServer] = None

    def region(self, name: str) -> Region:
        found = self._regions.get(name)  # regions are only ever added: a hit needs no lock
        if found is not None:
            return found
        with self.lock:
            found = self._regions.get(name)
            if found is None:
                gate = Gate(self.concurrency_limit, self.invoker.events.unpark)
                found = self._regions[name] = Region(name, self.account_id, gate, self._partition_of(name))
            return found

    def regions(self) -> list[Region]:
        """The regions used so far, by name."""
        with self.lock:
            return [self._regions[name] for name in sorted(self._regions)]

    def usage(self, function: str, region: Optional[str] = None) -> Optional[Usage]:
        """The function's concurrency usage in ``region``, or in the one region that knows it; None if none."""
        with self.lock:
            if region is None:
                regions = list(self._regions.values())
            else:
                regions = [self._regions[region]] if region in self._regions else []
            known = []
            for candidate in regions:
                usage = candidate.gate.usage(function)
                if usage is not None or function in candidate.functions:
                    known.append(usage or Usage())
        if len(known) > 1:
            raise ValueError(f"functions named {function!r} exist in several regions: pass region=")
        return known[0] if known else None

    def wait(self, timeout: Optional[float] = None) -> Optional[str]:
        """Block until pollers have delivered what their sources hold and no background job runs: None then, or
        what was still under way when ``timeout`` seconds passed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        behind = None if self.pollers is None else self.pollers.sync(timeout)
        if behind is not None:
            return (f"the event source mapping {behind.uuid} of {behind.function_arn} still delivering what "
                    f"{behind.config.source_arn} holds")
        if not self.invoker.wait(None if deadline is None else max(0.0, deadline - time.monotonic())):
            return "background invocations still running or queued"
        self.invoker.ship()  # what ran is in CloudWatch Logs and CloudWatch (where they are mocked)
        return None

    # -- threads --------------------------------------------------------------------------------

    def spawn(self, target: Callable[[], None], name: str) -> threading.Thread:
        """Start a daemon thread that works for this mock: its Lambda calls come here, or fail once it stopped."""
        self.adopt()
        thread = OwnThread(target=self.adopted, args=(target,), name=name, daemon=True)
        try:
            thread.start()
        except BaseException:
            self._thread_ended()
            raise
        return thread

    def adopted(self, target: Callable[[], None]) -> None:
        """Run ``target`` on the calling (new) thread as one of this mock's threads, counted until it returns."""
        _active.bind(self)
        try:
            target()
        finally:
            _active.bind(None)
            self._thread_ended()

    def adopt(self) -> None:
        """Count one more thread (about to run ``adopted``) before it starts."""
        with self._threads:
            self._live += 1

    def _thread_ended(self) -> None:
        with self._threads:
            self._live -= 1
            quiet = self._on_quiet if self._live == 0 else None
            if quiet is not None:
                self._on_quiet = None
            self._threads.notify_all()
        if quiet is not None:
            quiet()

    def close(self, on_quiet: Callable[[], None] = lambda: None) -> None:
        """Stop everything; ``on_quiet`` runs once no thread of this mock is left (at once, usually)."""
        self.closed = True
        with self.lock:
            # Under the lock: a server being started now is either seen here or refused (closed).
            server, self.url_server = self.url_server, None
        if server is not None:
            server.close()
        if self.pollers is not None:
            self.pollers.close()
        self.invoker.close()

        def quiet() -> None:
            # Handlers still running keep their view of the process (environ, streams) until they end.
            self.invoker.unhook()
            on_quiet()

        with self._threads:
            if self._live:
                self._on_quiet = quiet
                return
        quiet()

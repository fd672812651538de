"""Runtime: pools of execution environments per function version, and the invoke entry point."""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from lambdamock.errors import MockStoppedError
from lambdamock.runtime import hooks, results
from lambdamock.runtime.code import CodeDir, CodeStore
from lambdamock.runtime.environment import Environment
from lambdamock.runtime.spec import Credentials, DaemonThreads, FunctionSpec, InvocationResult, Threads, no_credentials
from lambdamock.runtime.waits import Signal, Steps, Wait, blocking, relaying

# Lambda gives init 10 s; one that overruns is abandoned and run again within the invoke, under the function's
# timeout (AWS's "Lambda execution environment lifecycle"; a capture, from a public reproduction of a slow init:
# "INIT_REPORT Init Duration: 10337.01 ms\tPhase: init\tStatus: timeout", the init's output again, then START).
_INIT_LIMIT_S = 10.0
# An init Lambda runs ahead of invocations (a provisioned environment's; a SnapStart version's, at publish) is not
# held to that: "130 seconds or the configured function timeout (maximum 900 seconds), whichever is higher" (the
# same guide).
_AHEAD_INIT_LIMIT_S = 130.0
# A SnapStart version's after-restore hooks have 10 s; past them the invocation fails with SnapStartTimeoutException
# (the same guide's Restore phase, and AWS's SnapStart troubleshooting guide).
_RESTORE_LIMIT_S = 10.0
# How long a wait for a package to be unzipped lasts before it is waited for again (it has no limit).
_UNZIP_WAIT_S = 60.0
# How long close() waits, in all, for idle environments' threads to end.
_CLOSE_JOIN_S = 1.0


def _ahead_limit(spec: FunctionSpec) -> float:
    return max(_AHEAD_INIT_LIMIT_S, spec.timeout)


class _Pool:
    """Idle environments of one function version (for one tenant, in tenant isolation mode), of one configuration."""

    __slots__ = ("config_key", "on_demand", "provisioned")

    def __init__(self, config_key: str) -> None:
        self.config_key = config_key
        self.provisioned: List[Environment] = []
        self.on_demand: List[Environment] = []

    def take(self, provisioned: bool) -> Optional[Environment]:
        # The most recently used environment is the warmest.
        if provisioned and self.provisioned:
            return self.provisioned.pop()
        if self.on_demand:
            return self.on_demand.pop()
        return None

    def drain(self) -> List[Environment]:
        envs = self.provisioned + self.on_demand
        self.provisioned.clear()
        self.on_demand.clear()
        return envs


class Runtime:
    """Runs Python handlers from function zips in-process, one thread per execution environment."""

    def __init__(self, threads: Optional[Threads] = None, credentials: Credentials = no_credentials) -> None:
        self._threads = threads or DaemonThreads()
        self._credentials = credentials
        self._lock = threading.Lock()
        self._pools: Dict[Tuple[str, str, Optional[str]], _Pool] = {}  # (function ARN, version, tenant)
        self._busy: Dict[Environment, None] = {}
        self._code = CodeStore()
        self._hooked = False
        self._closed = False

    @property
    def environment_count(self) -> int:
        """Live environments, idle or busy (abandoned ones are not counted)."""
        with self._lock:
            idle = sum(len(p.provisioned) + len(p.on_demand) for p in self._pools.values())
            return idle + len(self._busy)

    def steps(
        self,
        spec: FunctionSpec,
        payload: bytes,
        *,
        request_id: str,
        invoked_function_arn: str,
        client_context: Optional[Mapping[str, Any]] = None,
        provisioned: bool = False,
        trace: str = "",
        tenant: Optional[str] = None,
    ) -> Steps[InvocationResult]:
        """One synchronous invocation, as steps (see waits); it ends within the function's timeout whatever the handler does.

        ``provisioned`` invocations run on a provisioned-concurrency environment when one is idle.
        ``trace`` is the handler's trace header (``_X_AMZN_TRACE_ID``); a new one when empty.
        ``tenant`` (tenant isolation mode) runs it on an environment that serves that tenant alone.
        """
        if not spec.runnable:
            return results.unsupported(spec, request_id)
        self._hook()
        spec = self._code.current(spec)  # code in place that was edited retires its environments here
        env = self._checkout(spec, provisioned, tenant)
        keys = self._credentials(spec, {} if env is None else env.keys)
        init_type = "snap-start" if spec.snap_start else "on-demand"
        if env is not None and keys != env.keys:  # keys of a moto since stopped, or none where moto now gives some
            if env.provisioned:
                init_type = "provisioned-concurrency"  # its replacement takes its place in the pool
            env.retired = True
            self._checkin(env)
            env = None
        cold = env is None
        failed: Optional[Environment] = None  # an init that failed before this invocation's own
        if env is None:
            made = yield from self._initialised(spec, request_id, keys, init_type, tenant)
            if isinstance(made, InvocationResult):
                return made
            if made.dead and spec.snap_start:
                return results.init_failed(spec, made, request_id)  # an init run ahead is not run again
            if made.dead:
                # Lambda runs a failed (or timed out) init once more, in the invoke phase (captured on AWS: the
                # init's output and "INIT_REPORT ... Phase: init\tStatus: error", the output again and "... Phase:
                # invoke", then START), within the invocation's timeout; the invocation goes on if that one succeeds.
                failed, made = made, (yield from self._initialised(spec, request_id, keys, init_type, tenant, made))
                if isinstance(made, InvocationResult):
                    return made
                if made.dead:
                    return results.init_failed(spec, made, request_id, failed)
            env = made
            with self._lock:
                self._busy[env] = None
        spent = env.init_outcome.duration_ms / 1000 if failed is not None else 0.0  # the invoke phase's init
        try:
            # Alone as it is handed over (read without the lock: a stale count only decides that), its hand-offs keep
            # to one core (runtime.cores); beside others, the cores are theirs to share. A relayed one's do not: its
            # answer wakes no thread of the caller's, which goes on with its own work on that core meanwhile.
            outcome = yield from env.invoke(request_id, payload, invoked_function_arn, client_context, trace, spent,
                                            len(self._busy) == 1 and not relaying())
        except BaseException:
            # A driver gave these steps up while the handler ran: it goes on, but its environment is not reused.
            env.retired = True
            raise
        finally:
            self._checkin(env)
        if outcome is None:
            late = env.timed_out
            return results.timed_out(spec, request_id, env, late.output, late.started, spec.timeout * 1000.0, cold,
                                     failed)
        return results.completed(spec, request_id, env, outcome, cold, failed)

    def _initialised(self, spec: FunctionSpec, request_id: str, keys: Mapping[str, str], init_type: str,
                     tenant: Optional[str], failed: Optional[Environment] = None
                     ) -> Steps[Union[Environment, InvocationResult]]:
        """A new environment once its init ended (``dead`` if it failed, or outlived on-demand's limit), or the
        invocation's answer when it could not start, or outlived a limit after which Lambda does not run it again:
        the function's timeout, run again after an init that ``failed``; an init run ahead's (provisioned, SnapStart);
        or when its SnapStart restore failed."""
        try:
            code = self._code.ready(spec)
            if code is None:
                code = yield from self._extracted(spec)
            env = Environment(spec, code, init_type, self._threads, keys, tenant)
        except MockStoppedError:
            raise
        except Exception as error:  # the code could not be put on disk, say: this invocation fails
            return results.not_started(spec, request_id, error)
        limit: float
        if failed is not None:
            limit = spec.timeout
        elif init_type == "on-demand":
            limit = _INIT_LIMIT_S
        else:  # a provisioned environment's (one replacing another), a SnapStart version's: not run again
            limit = _ahead_limit(spec)
        try:
            started = yield from env.start(limit, restore_limit=_RESTORE_LIMIT_S)
        except BaseException as error:
            # No thread could start, or a driver gave these steps up (closed them, or threw into them,
            # instead of running them on; see waits.blocking): no leak either way.
            env.stop()
            if isinstance(error, Exception) and not isinstance(error, MockStoppedError):
                return results.not_started(spec, request_id, error)
            raise
        if env.restore_timed_out or (env.dead and env.restore_started is not None):
            return results.restore_failed(spec, request_id, env)
        if not started and (failed is not None or init_type != "on-demand"):
            return results.init_timed_out(spec, request_id, env, limit * 1000.0, failed)
        return env  # dead, when its init failed or timed out

    def _extracted(self, spec: FunctionSpec) -> Steps[CodeDir]:
        """The spec's code put on disk by a thread of its own: a big package takes a while to unzip, and an event
        loop that drives these steps goes on meanwhile."""
        done = Signal()
        got: List[Union[CodeDir, BaseException]] = []

        def extract() -> None:
            try:
                got.append(self._code.get(spec))
            except BaseException as error:  # raised on the caller's side below
                got.append(error)
            finally:
                done.set()

        self._threads.spawn(extract, f"lambdamock:unzip:{spec.function_name}")
        while not (yield Wait(done, _UNZIP_WAIT_S)):
            pass
        if isinstance(got[0], BaseException):
            raise got[0]
        return got[0]

    def prewarm(self, spec: FunctionSpec, count: int) -> Optional[str]:
        """Initialise `count` provisioned-concurrency environments; None, or why init failed."""
        if not spec.runnable:
            return f"Runtime.Unsupported: {results.unsupported_message(spec)}"
        self._hook()
        spec = self._code.current(spec)
        code = self._code.get(spec)
        envs = [Environment(spec, code, "provisioned-concurrency", self._threads, self._credentials(spec, {}))
                for _ in range(count)]
        failure: Optional[str] = None
        limit = _ahead_limit(spec)
        starts = [env.start(limit) for env in envs]  # provisioned: no restore
        waits = [next(start) for start in starts]  # every init under way at once, as Lambda allocates them
        for env, start, wait in zip(envs, starts, waits):
            if not blocking(start, wait):
                failure = f"Sandbox.Timedout: init did not finish within {limit:g} seconds"
            elif env.init_error is not None:
                failure = f"{env.init_error['errorType']}: {env.init_error['errorMessage']}"
            elif env.dead:
                failure = "Runtime.ExitError: Runtime exited during init"
        with self._lock:
            if failure is None and not self._closed:
                self._pool(spec).provisioned.extend(envs)
                return None
        for env in envs:
            env.stop()
        return failure or "Runtime is closed"

    def retire(self, function_arn: str, version: Optional[str] = None) -> None:
        """Drop idle environments of the function (one version, or all); busy ones go when they finish."""
        with self._lock:
            keys = [k for k in self._pools if k[0] == function_arn and (version is None or k[1] == version)]
            idle = [env for key in keys for env in self._pools.pop(key).drain()]
            for env in self._busy:
                if env.spec.function_arn == function_arn and (version is None or env.spec.version == version):
                    env.retired = True
        for env in idle:
            env.stop()

    def close(self) -> None:
        """Retire everything; idempotent, never waits on handlers (``unhook`` comes when their threads ended)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            idle = [env for pool in self._pools.values() for env in pool.drain()]
            self._pools.clear()
            busy = list(self._busy)
            for env in busy:
                env.retired = True
            self._busy.clear()
        for env in busy:
            env.put_back_names()  # the test process goes on, and may set its own, before they end
        for env in idle:
            env.stop()
        # Idle workers end at once; joining them lets stop() restore botocore before it returns.
        deadline = time.monotonic() + _CLOSE_JOIN_S
        for env in idle:
            env.join(max(0.0, deadline - time.monotonic()))
        _forget_paths(self._code.roots)  # the test process sees none of the code from now on

    def unhook(self) -> None:
        """Undo the process-wide stand-ins and delete the code, once no thread of the closed runtime can need
        them: a handler that outlived its mock, or an environment it was still starting, runs on its own code."""
        with self._lock:
            hooked, self._hooked = self._hooked, False
        if hooked:
            hooks.installation.release()
        self._code.close()

    # --- pools -----------------------------------------------------------------------------

    def _hook(self) -> None:
        if not self._hooked:
            with self._lock:
                if self._closed:
                    raise MockStoppedError(MockStoppedError.STOPPED)
                if not self._hooked:
                    hooks.installation.acquire()
                    self._hooked = True
        hooks.installation.refresh()

    def _pool(self, spec: FunctionSpec, tenant: Optional[str] = None) -> _Pool:
        # Caller holds the lock. A new config_key retires what the old configuration built.
        key = (spec.function_arn, spec.version, tenant)
        pool = self._pools.get(key)
        if pool is None or pool.config_key != spec.config_key:
            # Every tenant's environments of another configuration go, not only this tenant's.
            for stale in [k for k, p in self._pools.items() if k[:2] == key[:2] and p.config_key != spec.config_key]:
                for env in self._pools.pop(stale).drain():
                    env.stop()
            pool = self._pools[key] = _Pool(spec.config_key)
        return pool

    def _checkout(self, spec: FunctionSpec, provisioned: bool, tenant: Optional[str]) -> Optional[Environment]:
        with self._lock:
            if self._closed:
                raise MockStoppedError(MockStoppedError.STOPPED)
            env = self._pool(spec, tenant).take(provisioned)
            if env is not None:
                self._busy[env] = None
            return env

    def _checkin(self, env: Environment) -> None:
        with self._lock:
            self._busy.pop(env, None)
            pool = self._pools.get((env.spec.function_arn, env.spec.version, env.tenant))
            keep = not (env.dead or env.retired or self._closed) and pool is not None
            if keep and pool is not None and pool.config_key == env.spec.config_key:
                (pool.provisioned if env.provisioned else pool.on_demand).append(env)
                return
        if not env.dead:
            env.stop()

def _forget_paths(roots: List[str]) -> None:
    """Remove what handler code may have added to the process under the code dirs (sys.path &c.)."""
    if not roots:
        return
    prefixes = tuple(os.path.join(root, "") for root in roots)

    def inside(path: Any) -> bool:
        return isinstance(path, str) and os.path.join(path, "").startswith(prefixes)

    if any(inside(p) for p in sys.path):
        sys.path[:] = [p for p in sys.path if not inside(p)]
    for key in [k for k in sys.path_importer_cache if inside(k)]:
        sys.path_importer_cache.pop(key, None)
    for name, module in list(sys.modules.items()):
        if inside(getattr(module, "__file__", None)):
            sys.modules.pop(name, None)

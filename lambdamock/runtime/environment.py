"""One execution environment: an initialised copy of a version's code and its own worker thread."""

from __future__ import annotations

import ctypes
import json
import logging
import os
import queue
import threading
import time
import uuid
from typing import Any, Dict, Mapping, Optional

from lambdamock import _bound, ids
from lambdamock._bound import Abandoned
from lambdamock.runtime import cores, exits, hooks, ric, signals, snapshots, variables, workdir
from lambdamock.runtime import scope as scopes
from lambdamock.runtime import wrapper as wrappers
from lambdamock.runtime.calls import Call, Outcome
from lambdamock.runtime.code import CodeDir
from lambdamock.runtime.context import LambdaContext
from lambdamock.runtime.logs import error_line, variable_level
from lambdamock.runtime.modules import Namespace
from lambdamock.runtime.payloads import Places, deepest_first, exception_document, python_places
from lambdamock.runtime.spec import FunctionSpec, Threads
from lambdamock.runtime.waits import Signal, Steps, Wait


class Environment:
    """Runs init once, then one invocation at a time, on a dedicated daemon thread."""

    def __init__(self, spec: FunctionSpec, code: CodeDir, init_type: str, threads: Threads,
                 keys: Mapping[str, str], tenant: Optional[str] = None) -> None:
        self.spec = spec
        # The one tenant it serves, for a function in tenant isolation mode; None otherwise.
        self.tenant = tenant
        self._threads = threads
        self.id = uuid.uuid4().hex
        self._pid = os.getpid()
        self.init_type = init_type
        self.provisioned = init_type == "provisioned-concurrency"
        self.snap_start = init_type == "snap-start"  # restored from a snapshot, as a SnapStart version's are
        self.log_group_name = spec.logging.group or f"/aws/lambda/{spec.function_name}"
        # In a custom log group the stream names the function too (AWS's "Configuring CloudWatch log groups").
        owner = spec.function_name if spec.logging.group else ""
        self.log_stream_name = f"{time.strftime('%Y/%m/%d', time.gmtime())}/{owner}[{spec.version}]{self.id}"
        self.namespace: Namespace = code.namespace()
        self._task_root = code.root
        # Stack traces name the function's files where Lambda keeps them: the task root, /opt and /var/lang.
        places = [(os.path.join(code.root, ""), "/var/task/"), *python_places(spec.runtime)]
        if code.opt is not None:
            places.append((os.path.join(code.opt, ""), "/opt/"))
        self._places: Places = deepest_first(places)
        self.client = ric.LambdaRuntimeClient(spec.runtime, self._places, spec.logging)
        self.keys = keys  # its credential variables, for its whole life (see Credentials)
        logs = None if self.snap_start else (self.log_group_name, self.log_stream_name)
        overlay = {**variables.initial(spec, code, init_type, logs), **keys}
        self.scope = scopes.Scope(overlay, self.namespace, threads, spec.logging, self._places)
        if self.snap_start:  # unset even where the test process has them
            self.scope.removed.update(("AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME"))
        if spec.logging.json:
            hooks.installation.json_logging()
        # What _HANDLER names, once init loaded it: whatever the module holds there, which the runtime calls.
        self.handler: Any = None
        self.init_error: Optional[Dict[str, Any]] = None
        self.init_outcome = Outcome()
        self.init_timed_out = False  # init outlived its limit and was abandoned (init_outcome: its part by then)
        # A SnapStart environment's restore: when its after-restore hooks began (time.time()), once they did, and
        # whether they outlived their limit. _snapshotted is set when init and the before-snapshot hooks ended.
        self.restore_started: Optional[float] = None
        self.restore_timed_out = False
        self._snapshotted = Signal()
        self._init_limit = 0.0  # seconds init may take: start's
        # Dead: its worker exited or was abandoned; retired: drop it instead of reusing it.
        self.dead = False
        self.retired = False
        # The invocation that timed out: what it had written by then, and when it started.
        self.timed_out = Outcome()
        self._tasks: "queue.SimpleQueue[Optional[Call]]" = queue.SimpleQueue()
        self._initialised = Signal()
        self._thread: Optional[threading.Thread] = None
        self._idle = False  # its worker waits for a call (so may be narrowed to a caller's core: runtime.cores)
        self._rebound: Optional[hooks.Rebound] = None  # the process's names as the running init or call found them

    def _local(self, path: str) -> str:
        """Where a path on Lambda (/var/task/..., /opt/...) is here."""
        for here, there in sorted(self._places, key=lambda place: len(place[1]), reverse=True):
            if path.startswith(there):
                return here + path[len(there):]
        return path

    # --- worker thread ---------------------------------------------------------------------

    def _work(self) -> None:
        self.scope.worker = threading.get_ident()
        _bound.bind(self.scope)
        try:
            if workdir.enter(self._task_root):
                # As a shell would have it for a process started there (AWS's PWD is /var/task: LocalStack
                # test_lambda.snapshot.json, test_lambda_init_environment).
                self.scope.overlay["PWD"] = self._task_root
            self._init()
            self._end_a_forked_child()
            while not self.dead:
                self._idle = True
                call = self._tasks.get()
                self._idle = False
                if call is None:
                    break
                call.taken()
                self._run(call)
                self._end_a_forked_child()
        except BaseException:
            self.dead = True
        finally:
            _bound.bind(None)

    def _end_a_forked_child(self) -> None:
        # A process the function's code forked came back from it here, where no invocation will ever reach it (the
        # only thread a fork keeps is this one): it ends, as Lambda's sandbox would end it.
        if os.getpid() != self._pid:
            signals.EXIT.genuine(0)

    def _init(self) -> None:
        outcome = self.init_outcome
        outcome.started = time.time()
        self.scope.sink = outcome.output
        self.namespace.expose()
        rebound = self._rebound = hooks.Rebound()
        started = time.perf_counter()
        reported = False  # a SnapStart hook's error was dealt with where it happened (posted, or the post ended it)
        try:
            wrapper = self.spec.environment.get("AWS_LAMBDA_EXEC_WRAPPER")
            if wrapper:
                # The runtime is started through the wrapper (see runtime.wrapper): what it exports is the
                # environment's, and what it writes is init's log.
                changed, lines = wrappers.run(self._local(wrapper), dict(os.environ), self._init_limit)
                outcome.output.extend(lines)
                self.scope.overlay.update(changed)
            if self.scope.root_level is None:  # Text: the runtime sets a level the function's variables name
                self.scope.root_level = variable_level(self.scope.overlay.get("AWS_LAMBDA_LOG_LEVEL"))
                if self.scope.root_level is not None:
                    hooks.installation.json_logging()  # a root level of its own (see hooks)
            # The runtime loads the handler _HANDLER names once the wrapper ran, which may have changed it (the
            # OpenTelemetry layer's otel-instrument does, to put its own handler first).
            self.handler = ric.get_handler(self.namespace, self.scope.overlay["_HANDLER"], self._places,
                                           self.spec.runtime)
            if self.snap_start:
                # Lambda snapshots the initialised environment and restores copies of it; here each
                # environment runs init itself, then its hooks of both sides of the snapshot.
                reported = self._snapshot_hooks(outcome)
        except Abandoned:
            raise
        except SystemExit as error:
            exits.exited(outcome, error)
            self.dead = True
        except Exception as error:
            try:
                self.init_error = exception_document(error, "", self._places, self.spec.runtime)
            except Abandoned:
                raise
            except SystemExit as failed:  # as bootstrap's str() of it exits, or raises: the runtime's process ends
                exits.exited(outcome, failed)
            except BaseException as failed:
                exits.uncaught(outcome, failed, self.scope)
            else:
                logging.warning(ric.UNHANDLED_WARNING)  # to the runtime's own handler, at its level, as bootstrap does
                outcome.output.append(error_line(self.init_error, self.spec.logging, self.spec.runtime))
            self.dead = True
        except BaseException as error:  # bootstrap catches Exception alone
            exits.uncaught(outcome, error, self.scope)
            self.dead = True
        finally:
            outcome.duration_ms = (time.perf_counter() - started) * 1000
            try:
                if self.init_error is not None and not reported:  # as the runtime posts it: after the handling
                    self.client.post_init_error(self.init_error)
            finally:
                self._leave(rebound, outcome)
                self._initialised.set()
                if self.snap_start and not self._snapshotted.is_set:  # init failed, so no restore is waited for
                    self._snapshotted.set()

    def _snapshot_hooks(self, outcome: Outcome) -> bool:
        """SnapStart's hooks, as the runtime's bootstrap.on_init_complete runs them: one that raises, or exits, is
        logged and posted at once (before the snapshot as an init error of type Runtime.BeforeSnapshotError, after
        the restore as a restore error), and the runtime ends; True then."""
        for restoring, run in ((False, snapshots.before_snapshot), (True, snapshots.after_restore)):
            if restoring:
                self.restore_started = time.time()
                self._snapshotted.set()
            try:
                run(self.namespace)
            except (Abandoned, signals.ProcessEnded):
                raise
            except BaseException as error:  # the runtime's bare except:
                document = exception_document(error, "", self._places, self.spec.runtime)
                outcome.output.append(error_line(document, self.spec.logging, self.spec.runtime))
                self.dead = True
                try:
                    if restoring:
                        self.client.report_restore_error(document)
                    else:
                        self.client.post_init_error(document, "Runtime.BeforeSnapshotError")
                except Abandoned:
                    raise
                except BaseException as failure:  # a tool's replacement that failed: nothing handles it
                    exits.uncaught(outcome, failure, self.scope)
                else:
                    if not restoring:  # the answer of an environment that did not start (a restore's is its own)
                        self.init_error = document
                return True
        return False

    def _run(self, call: Call) -> None:
        outcome = call.outcome
        outcome.started = time.time()
        scope = self.scope
        scope.sink = outcome.output
        scope.request_id = call.request_id
        scope.tenant = self.tenant
        self.namespace.expose()
        rebound = self._rebound = hooks.Rebound()
        started = time.perf_counter()
        try:
            context = LambdaContext(
                request_id=call.request_id,
                function_name=self.spec.function_name,
                function_version=self.spec.version,
                invoked_function_arn=call.invoked_function_arn,
                memory_size=self.spec.memory_size,
                log_group_name=None if self.snap_start else self.log_group_name,
                log_stream_name=None if self.snap_start else self.log_stream_name,
                client_context=call.client_context,
                deadline=call.deadline,
                tenant_id=self.tenant,
            )
            if scope.ended is not None:
                raise signals.ProcessEnded()  # its process ended while it waited (see runtime.signals)
            # Through the runtime interface client's names, which a tool may have wrapped (see runtime.ric).
            client = self.client
            client.context, client.outcome = context, outcome
            epoch_deadline_ms = int((time.time() + call.deadline - time.monotonic()) * 1000)
            client_context = None if call.client_context is None else json.dumps(call.client_context)
            with scope.interrupt_lock:
                scope.interruptible = True
            try:
                ric.handle_event_request(client, self.handler, call.request_id, call.payload, "application/json",
                                         client_context, None, call.invoked_function_arn, epoch_deadline_ms,
                                         self.tenant, None)
            finally:
                self._uninterruptible()
        except Abandoned:
            raise
        except SystemExit as error:
            exits.exited(outcome, error)
            self.dead = True
        except BaseException as error:
            # Out of handle_event_request (a BaseException, or a tool's replacement of it, or of a post, failed): the
            # runtime's process would end, as it ends on any exception its loop does not handle.
            exits.uncaught(outcome, error, self.scope)
            self.dead = True
        finally:
            outcome.duration_ms = (time.perf_counter() - started) * 1000
            self._leave(rebound, outcome)
        call.answered()

    def _uninterruptible(self) -> None:
        """Its handler's code runs no more: its other threads may not interrupt it (see runtime.signals). One they
        asked for just before is raised as this returns, in _run's handling of the process's end. (Clearing it
        instead, with PyThreadState_SetAsyncExc(NULL), would leave the interpreter's flag for it set.)"""
        with self.scope.interrupt_lock:
            self.scope.interruptible = False

    def _leave(self, rebound: hooks.Rebound, outcome: Outcome) -> None:
        """End an invocation (or init): undo what its code did to the process's names and streams."""
        if self.scope.ended is not None and outcome.exit_status is None and outcome.payload is None:
            # Its process ended (from another thread, during init, say) before it answered: it answers with that.
            outcome.exit_status = self.scope.ended
            self.dead = True
        self.client.context = self.client.outcome = None
        if self._rebound is rebound:  # else put_back_names() did, as its caller gave up on it or its mock stopped
            rebound.restore()
        self._rebound = None
        self.namespace.hide()
        scope = self.scope
        scope.closed.clear()
        scope.sink = None
        scope.request_id = ""
        scope.tenant = None

    # --- caller side -----------------------------------------------------------------------

    def start(self, wait: float, restore_limit: float = 0.0) -> Steps[bool]:
        """Start the worker and wait up to `wait` seconds for init, then, in a SnapStart environment,
        `restore_limit` seconds for its after-restore hooks; False if they did not finish."""
        self._init_limit = wait
        self._thread = self._threads.spawn(self._work, f"lambdamock:{self.spec.function_name}:{self.id[:8]}")
        if not self.snap_start:
            if (yield Wait(self._initialised, wait)):
                return True
        elif (yield Wait(self._snapshotted, wait)):
            if (yield Wait(self._initialised, restore_limit)):
                return True
            self.abandon()
            started = self.restore_started
            assert started is not None  # set before _snapshotted, when init did not fail
            self.init_outcome = self._frozen((started - self.init_outcome.started + restore_limit) * 1000.0)
            self.restore_timed_out = True
            return False
        self.abandon()
        self.init_outcome = self._frozen(wait * 1000.0)
        self.init_timed_out = True
        return False

    def _frozen(self, duration_ms: float) -> Outcome:
        """What an abandoned init had written by then, for its log; its worker goes on with the outcome it has."""
        before, frozen = self.init_outcome, Outcome()
        frozen.output = list(before.output)
        frozen.started = before.started
        frozen.duration_ms = duration_ms
        return frozen

    def invoke(
        self,
        request_id: str,
        payload: bytes,
        invoked_function_arn: str,
        client_context: Optional[Mapping[str, Any]],
        trace: str = "",
        spent: float = 0.0,
        alone: bool = False,
    ) -> Steps[Optional[Outcome]]:
        """Run one request; None if it outlived the function's timeout (the worker is then abandoned).

        ``trace`` is the handler's trace header (a new one when empty); Lambda sets none for init. ``spent``
        seconds of the timeout went to this invocation's init already (one Lambda ran again). ``alone``: no
        other invocation runs, so the hand-offs keep to one core (see runtime.cores).
        """
        self.scope.overlay["_X_AMZN_TRACE_ID"] = trace or ids.trace_header()
        timeout = max(0.0, self.spec.timeout - spent)
        call = Call(request_id, payload, invoked_function_arn, client_context, time.monotonic() + timeout)
        if alone and self._idle and self._thread is not None:
            call.meeting = cores.meet(self._thread)
        self._tasks.put(call)
        if (yield Wait(call.done, timeout, call.meeting)) or call.finished:
            return call.outcome
        self.abandon()
        # What it had logged so far; the abandoned worker may still append, hence the copy.
        self.timed_out.output = list(call.outcome.output)
        self.timed_out.started = call.outcome.started
        return None

    def abandon(self) -> None:
        """Give up on a worker stuck in user code: raise Abandoned in it and never reuse it."""
        self.dead = True
        thread = self._thread
        if thread is not None and thread.ident is not None and thread.is_alive():
            # Python threads cannot be killed; an asynchronous exception ends a busy loop at its
            # next bytecode, and a blocking call (a socket, a lock) when it returns.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(Abandoned))
        # A handler in time.sleep wakes now (see hooks._sleep) instead of when the sleep ends.
        self.scope.abandon()
        self.put_back_names()
        # Wakes the worker if it had in fact gone back to waiting for work.
        self._tasks.put(None)

    def put_back_names(self) -> None:
        """Undo what the running init or call did to the process's names and streams now, while they are still
        those it found: it may end much later, when the test process has set its own (pytest's capture, between
        two tests), which are not to be undone."""
        rebound, self._rebound = self._rebound, None
        if rebound is not None:
            rebound.restore()

    def stop(self) -> None:
        """Let an idle worker end; its modules go with it."""
        self.dead = True
        self._tasks.put(None)

    def join(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for a stopped worker's thread to end."""
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

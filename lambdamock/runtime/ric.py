"""AWS's Python runtime interface client as tools find and patch it: every invocation and error passes through it."""

# On AWS, the runtime's process runs /var/runtime/bootstrap.py as __main__, which imports awslambdaric.__main__ as
# awslambdaricmain. Its bootstrap module's handle_event_request runs every invocation, and its LambdaRuntimeClient
# posts results, errors, init errors and a SnapStart restore's error. Error trackers find them there and wrap them
# (Sentry's AwsLambdaIntegration wraps the handler it is given, and flushes before a result is posted). While a mock
# runs functions, __main__.awslambdaricmain is MAIN and this module stands in for bootstrap: the environments call
# both through the names a tool may have replaced.

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Tuple, Union

from lambdamock.runtime import signals
from lambdamock.runtime.logs import error_line
from lambdamock.runtime.payloads import (
    Fault,
    Places,
    encode_document,
    exception_document,
    marshal_result,
    parse_event,
    placed,
    python_version,
)
from lambdamock.runtime.spec import LogSettings

if TYPE_CHECKING:
    from lambdamock.runtime.calls import Outcome
    from lambdamock.runtime.context import LambdaContext
    from lambdamock.runtime.modules import Namespace


# What the runtime logs (logging.warning) before an init error: awslambdaric's lambda_literals.py.
UNHANDLED_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in rare "
    "cases, a Lambda runtime update can cause unexpected function behavior. For functions using managed runtimes, "
    "runtime updates can be triggered by a function change, or can be applied automatically. To determine if the "
    "runtime has been updated, check the runtime version in the INIT_START log entry. If this error correlates with "
    "a change in the runtime version, you may be able to mitigate this error by temporarily rolling back to the "
    "previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"
)


# The runtime's own frame, where it calls the handler (awslambdaric's bootstrap.py): its stack trace keeps it when
# the exception has no frame of the function's (a handler that takes no context, a module named as the handler).
# As AWS answered: python3.12, ".../python3.12/site-packages/awslambdaric/bootstrap.py\", line 178, in
# handle_event_request"; python3.11, the same at line 177 (awslambdaric 3); python3.9, "/var/runtime/awslambdaric/
# bootstrap.py" (python3.10 unrecorded, taken as python3.9's).
_CALL_FRAME = '  File "{}awslambdaric/bootstrap.py", line {}, in handle_event_request\n' \
              "    response = request_handler(event, lambda_context)\n"


def _call_frame(runtime: str) -> str:
    version = python_version(runtime)
    folder = "/var/runtime/" if version < (3, 11) else f"/var/lang/lib/{runtime}/site-packages/"
    return _CALL_FRAME.format(folder, 178 if version >= (3, 12) else 177)


class LambdaRuntimeClient:
    """Where the runtime posts what init or an invocation gave: here, into the environment's outcome of it."""

    def __init__(self, runtime: str, places: Places, logging: LogSettings) -> None:
        self.runtime = runtime
        self.places = places
        self.logging = logging
        # The invocation running now: its context and the outcome the posts fill in (see Environment._run).
        self.context: Optional[LambdaContext] = None
        self.outcome: Optional[Outcome] = None

    def post_init_error(self, error_response_data: Any, error_type_override: Optional[str] = None) -> None:
        """Init failed: the environment, which holds the error, answers for it (see runtime.results)."""

    def report_restore_error(self, restore_error_data: Any) -> None:
        """A SnapStart environment's after-restore hook failed: the restore, which holds the error, answers for it."""

    def post_invocation_result(self, invoke_id: str, result_data: Union[bytes, str],
                               content_type: str = "application/json") -> None:
        assert self.outcome is not None
        signals.check_alive()
        self.outcome.payload = result_data if isinstance(result_data, bytes) else result_data.encode("utf-8")

    def post_invocation_error(self, invoke_id: str, error_response_data: str, xray_fault: str) -> None:
        assert self.outcome is not None
        signals.check_alive()
        self.outcome.payload = error_response_data.encode("utf-8")
        self.outcome.function_error = "Unhandled"


def handle_event_request(
    lambda_runtime_client: LambdaRuntimeClient,
    request_handler: Callable[[Any, Any], Any],
    invoke_id: str,
    event_body: bytes,
    content_type: str,
    client_context_json: Any,
    cognito_identity_json: Any,
    invoked_function_arn: str,
    epoch_deadline_time_in_ms: int,
    tenant_id: Optional[str],
    log_sink: Any,
) -> None:
    """One invocation as the runtime runs it, with the runtime's parameters: the handler's result, or its error
    logged, is posted through the client. The handler gets the environment's context of the invocation, which these
    parameters describe."""
    client = lambda_runtime_client
    document = None
    try:
        result = marshal_result(request_handler(parse_event(event_body), client.context), client.runtime)
    except Exception as error:
        document = exception_document(error, invoke_id, client.places, client.runtime)
        if not document["stackTrace"] and not isinstance(error, Fault):
            document["stackTrace"] = [_call_frame(client.runtime)]
    # Posted once the exception is handled, as the runtime posts it.
    if document is None:
        client.post_invocation_result(invoke_id, result, "application/json")
        return
    assert client.outcome is not None
    signals.check_alive()  # a process that ended (code that caught its os._exit raised since) logs nothing more
    client.outcome.output.append(error_line(document, client.logging, client.runtime))
    client.post_invocation_error(invoke_id, encode_document(document, client.runtime).decode("utf-8"), "")


# awslambdaric.__main__ as the runtime's __main__ holds it: its bootstrap module and its client class.
MAIN = ModuleType("awslambdaric.__main__")
MAIN.bootstrap = sys.modules[__name__]  # type: ignore[attr-defined]
MAIN.LambdaRuntimeClient = LambdaRuntimeClient  # type: ignore[attr-defined]

Names = Tuple[Dict[str, Any], ...]


def _patchable() -> Tuple[Any, ...]:
    return MAIN, MAIN.bootstrap, LambdaRuntimeClient


def names() -> Names:
    """What a tool may replace here (the bootstrap's functions, the client's methods), as it is now."""
    return tuple(dict(vars(holder)) for holder in _patchable())


def undo_function_code(before: Names) -> None:
    """Put back what function code replaced since ``before``.

    On AWS a tool in a function's code wraps the runtime of that function's own process, which ends with it; here
    its wrappers must not outlive the mock whose environments made them. A tool of the test process's wraps once
    per process (Sentry's setup_once), so what it put in place stays.
    """
    for holder, was in zip(_patchable(), before):
        for name, value in list(vars(holder).items()):
            if value is was.get(name) or not _of_function_code(value):
                continue
            if name in was:
                setattr(holder, name, was[name])
            else:
                delattr(holder, name)


def _of_function_code(value: Any) -> bool:
    """Whether ``value`` is a function defined by a module of a function's code, which is never the process's."""
    defined_in = getattr(getattr(value, "__func__", value), "__globals__", None)
    if not isinstance(defined_in, dict):
        return False
    module = sys.modules.get(str(defined_in.get("__name__")))
    return module is None or vars(module) is not defined_in


# Python 3.10 and later list them; on 3.9 a handler module outside the package is not looked for.
_STANDARD_LIBRARY = frozenset(getattr(sys, "stdlib_module_names", ()))
# What the Python runtime has imported when it imports the handler's module, by its Python version: the interpreter's
# own modules and awslambdaric's (4.2.2's bootstrap run as Lambda runs it, sys.modules read from the handler's
# module), less its own packages and the built-in modules (which no handler module may be named after).
_IMPORTED = {"__future__", "abc", "atexit", "codecs", "collections", "copyreg", "decimal", "encodings", "enum",
             "functools", "genericpath", "importlib", "io", "json", "keyword", "linecache", "logging", "math",
             "numbers", "operator", "os", "posixpath", "re", "reprlib", "site", "stat", "string", "threading",
             "traceback", "types", "warnings", "weakref", "zipimport"}
_RUNTIME_IMPORTED = {
    version: frozenset(names - set(sys.builtin_module_names)) for version, names in {
        (3, 9): _IMPORTED | {"heapq", "sre_compile", "sre_constants", "sre_parse", "token", "tokenize"},
        (3, 10): _IMPORTED | {"sre_compile", "sre_constants", "sre_parse", "token", "tokenize"},
        (3, 11): _IMPORTED | {"contextlib", "textwrap", "token", "tokenize"},
        # From python3.12 the runtime polls on a thread of a concurrent.futures pool (lambda_config.py).
        (3, 12): _IMPORTED | {"concurrent", "contextlib", "heapq", "queue", "textwrap", "token", "tokenize"},
        (3, 13): _IMPORTED | {"concurrent", "contextlib", "heapq", "queue", "textwrap"},  # linecache's tokenize: lazy
    }.items()
}


def _runtime_imported(runtime: str) -> frozenset[str]:
    version = min(max(python_version(runtime), (3, 9)), (3, 13))  # python3.8 as 3.9, later ones as 3.13
    return _RUNTIME_IMPORTED[version]


def _load(namespace: Namespace, name: str, runtime: str) -> ModuleType:
    """The handler's module, as importlib.import_module finds it in the runtime."""
    top = name.partition(".")[0]
    if top in _runtime_imported(runtime):  # the runtime's own, whatever file of that name the zip has
        __import__(name)  # the process's import, not the function's (importlib.import_module's stand-in)
        return sys.modules[name]
    try:
        return namespace.load(name)
    except ModuleNotFoundError as missing:
        if missing.name != top or top in namespace.tops or top not in _STANDARD_LIBRARY:
            raise
        # Not in the package but in Python's standard library, which Lambda's sys.path has after the task root
        # (the test process's other packages are not the runtime's).
        return importlib.import_module(name)


def get_handler(namespace: Namespace, handler: str, places: Places, runtime: str) -> Any:
    """What ``handler`` names, its module imported into ``namespace``, with bootstrap._get_handler's fault texts."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as error:
        raise Fault("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {error}") from None
    if not module_name:
        raise ValueError("Empty module name")  # as importlib.import_module("") does, which bootstrap calls
    if module_name.split(".")[0] in sys.builtin_module_names:  # compiled into Python: its handler would not be found
        raise Fault("Runtime.BuiltInModuleConflict", f"Cannot use built-in module {module_name} as a handler module")
    name = module_name.replace("/", ".")
    if name.startswith("."):  # importlib.import_module's answer, given no package (bootstrap gives none)
        raise TypeError(f"the 'package' argument is required to perform a relative import for {name!r}")
    try:
        module = _load(namespace, name, runtime)
    except ImportError as error:
        raise Fault("Runtime.ImportModuleError",
                    f"Unable to import module '{module_name}': {placed(str(error), places)}") from None
    except SyntaxError as error:
        trace = [f'  File "{placed(error.filename or "", places)}" Line {error.lineno}\n    {error.text}']
        raise Fault("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {error}", trace) from None
    try:
        found = getattr(module, function_name)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'") from None
    return found

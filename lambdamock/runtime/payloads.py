"""Bytes in and out of a Python handler: the event, the result, and every error document."""

from __future__ import annotations

import contextlib
import decimal
import functools
import json
import math
import os
import re
import site
import sysconfig
import traceback
import uuid
from types import TracebackType
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple, Union

_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# Marks a Decimal inside the encoder's output so it can be spliced back in as a bare number.
_DECIMAL_MARK = f"\x00{uuid.uuid4().hex}:"
_DECIMAL_MARKED = re.compile(re.escape(json.dumps(_DECIMAL_MARK)[:-1]) + r'([^"\\]*)"')


class Fault(Exception):
    """A runtime-detected failure with an AWS error type (Runtime.*)."""

    def __init__(self, error_type: str, message: str, stack_trace: Optional[List[str]] = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack_trace = stack_trace or []


def parse_event(payload: bytes) -> Any:
    """The handler's event; an empty payload is an empty object, as Invoke sends it."""
    if not payload:
        return {}
    try:
        return json.loads(payload)
    except ValueError as error:
        raise Fault("Runtime.UnmarshalError", f"Unable to unmarshal input: {error}") from None


# The _asdict() results of one result's values, by id, with the value (kept alive, so that its id is not another's
# meanwhile): the runtime's encoder calls each value's once.
_Fields = Dict[int, Tuple[Any, Optional[Dict[Any, Any]]]]
_ABSENT = object()  # no _asdict, or one that cannot be called without arguments


class _Encoder(json.JSONEncoder):
    def __init__(self, ensure_ascii: bool, called: _Fields) -> None:
        super().__init__(ensure_ascii=ensure_ascii)
        self.saw_decimal = False
        self._called = called

    def default(self, o: Any) -> Any:
        # The runtime's encoder (simplejson's, whose encoding is UTF-8) writes bytes as the text they encode.
        if isinstance(o, bytes):
            return o.decode("utf-8")
        # The Python runtime writes Decimals (what boto3's DynamoDB layer returns) as plain numbers.
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return math.nan
            self.saw_decimal = True
            return f"{_DECIMAL_MARK}{o}"
        fields = _fields(o, self._called)
        return super().default(o) if fields is None else _named_as_objects(fields, self._called)


def _fields(value: Any, called: _Fields) -> Optional[Dict[Any, Any]]:
    """What the runtime's encoder (simplejson's, with its default namedtuple_as_object) writes as an object: what
    ``value._asdict()`` returns, for any value that has one; None for a value without (or whose call fails so)."""
    known = called.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    method = getattr(value, "_asdict", None)
    answer: Any = _ABSENT
    if callable(method):
        with contextlib.suppress(TypeError):  # as simplejson's call_method: encoded as if it had none
            answer = method()
    if answer is _ABSENT:
        fields = None
    elif isinstance(answer, dict):
        fields = answer
    else:
        raise TypeError(f"_asdict() must return a dict, not {type(answer).__name__}")
    called[id(value)] = (value, fields)
    return fields


def python_version(runtime: str) -> Tuple[int, int]:
    """A Python runtime's version of Python (python3.12: (3, 12)); (0, 0) for another runtime."""
    major, _, minor = runtime[len("python"):].partition(".")
    try:
        return int(major), int(minor)
    except ValueError:
        return (0, 0)


def keeps_unicode(runtime: str) -> bool:
    """Whether the runtime's JSON encoder writes non-ASCII text as it is (python3.12 on), not escaped."""
    return python_version(runtime) >= (3, 12)


# Values that hold no others: a scan for namedtuples passes over them.
_ATOMS = frozenset((str, int, float, bool, type(None)))


def _holds_named(value: Any) -> bool:
    """Whether a container with an ``_asdict`` (a namedtuple, most often) is anywhere in ``value`` (which the
    encoder has taken, so it holds no circle): a scan cheaper than the encoding."""
    stack = [value]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is dict:
            items: Any = current.values()
        elif kind is list or kind is tuple:
            items = current
        elif isinstance(current, (str, int, float)):  # taken as such before an _asdict is looked for
            continue
        elif callable(getattr(current, "_asdict", None)):
            return True
        elif isinstance(current, dict):
            items = current.values()
        elif isinstance(current, (list, tuple)):
            items = current
        else:
            continue
        for item in items:
            if type(item) not in _ATOMS:
                stack.append(item)
    return False


def _named_as_objects(value: Any, called: _Fields) -> Any:
    """``value`` with each value that has an ``_asdict`` as an object of its fields, in the runtime's encoder's order:
    text and numbers first, then ``_asdict``, then lists, tuples and dicts."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    fields = _fields(value, called)
    if fields is not None:
        return {key: _named_as_objects(item, called) for key, item in fields.items()}
    if isinstance(value, (list, tuple)):
        return [_named_as_objects(item, called) for item in value]
    if isinstance(value, dict):
        return {key: _named_as_objects(item, called) for key, item in value.items()}
    return value


def _text_keys(value: Any) -> Any:
    """``value`` with each bytes key as the text it encodes, as the runtime's encoder (simplejson's) writes one."""
    if isinstance(value, dict):
        return {key.decode("utf-8") if isinstance(key, bytes) else key: _text_keys(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_text_keys(item) for item in value]
    return value


def _encoded(result: Any, ensure_ascii: bool, called: _Fields) -> str:
    """The result as JSON: the C encoder for plain JSON types, the runtime's own (Decimals) for the rest."""
    try:
        return json.dumps(result, ensure_ascii=ensure_ascii)
    except TypeError:
        pass  # a Decimal, or something no encoder takes: the runtime's own encoder says which
    encoder = _Encoder(ensure_ascii, called)
    try:
        text = encoder.encode(result)
    except TypeError:
        text = encoder.encode(_text_keys(result))  # bytes keys; else the same TypeError again
    return _DECIMAL_MARKED.sub(r"\1", text) if encoder.saw_decimal else text


def marshal_result(result: Any, runtime: str) -> Union[bytes, str]:
    """The response body for a handler's return value (bytes pass through untouched); text is encoded as the runtime
    posts it, where a lone surrogate (kept by python3.12's encoder) ends the runtime's process."""
    if isinstance(result, bytes):
        return result
    ensure_ascii = not keeps_unicode(runtime)
    called: _Fields = {}
    try:
        text = _encoded(result, ensure_ascii, called)
        if _holds_named(result):  # rare: encoded again, each namedtuple (or other _asdict) as an object
            text = _encoded(_named_as_objects(result, called), ensure_ascii, called)
    except Exception as error:
        raise Fault("Runtime.MarshalError", f"Unable to marshal response: {error}") from None
    return text


# Where Lambda keeps a function's files: pairs of (a folder here, the same folder on Lambda), both ending in "/".
Places = Sequence[Tuple[str, str]]


def user_stack(tb: Optional[TracebackType], places: Places = ()) -> List[str]:
    """The function's frames (not lambdamock's or importlib's), formatted as the Python runtime formats them.

    The runtime hands ``traceback.format_list`` plain (file, line, name, text) entries, so no Python
    version adds its ``^^^^`` markers. A file in one of ``places`` is named where Lambda has it
    (``/var/task/app.py``), as AWS's stack traces do.
    """
    return traceback.format_list([
        (placed(frame.filename, places), frame.lineno or 0, frame.name, frame.line)
        for frame in traceback.extract_tb(tb)
        if not frame.filename.startswith(_RUNTIME_DIR) and not frame.filename.startswith("<frozen importlib")
    ])


_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def uncaught_report(error: BaseException, places: Places = (), seen: Optional[Set[int]] = None) -> str:
    """What Python prints of an exception nothing caught as its process ends: its chain first, then its traceback
    (the function's frames, see ``user_stack``) and itself."""
    seen = set() if seen is None else seen
    seen.add(id(error))
    text = ""
    if error.__cause__ is not None and id(error.__cause__) not in seen:
        text = uncaught_report(error.__cause__, places, seen) + _CAUSE
    elif error.__context__ is not None and not error.__suppress_context__ and id(error.__context__) not in seen:
        text = uncaught_report(error.__context__, places, seen) + _CONTEXT
    if error.__traceback__ is not None:
        text += "Traceback (most recent call last):\n" + "".join(user_stack(error.__traceback__, places))
    return text + "".join(traceback.format_exception_only(type(error), error))


@functools.cache
def _installation() -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """The test process's Python: its package folders, then its standard library's; deepest first in each."""
    paths = sysconfig.get_paths()
    packages = {paths["purelib"], paths["platlib"], *getattr(site, "getsitepackages", list)()}
    if site.ENABLE_USER_SITE:
        packages.add(site.getusersitepackages())
    library = {paths["stdlib"], paths["platstdlib"]}

    def folders(found: set[str]) -> Tuple[str, ...]:
        return tuple(sorted({os.path.join(folder, "") for folder in found if folder}, key=len, reverse=True))

    return folders(packages), folders(library)


def python_places(runtime: str) -> Places:
    """The test process's Python library and packages, and where a Python runtime has them on Lambda
    (``/var/lang/lib/python3.12/`` and its ``site-packages``): AWS's stack traces name those."""
    if not runtime.startswith("python"):
        return []
    packages, library = _installation()
    lang = f"/var/lang/lib/{runtime}/"
    return [(folder, lang + "site-packages/") for folder in packages] + [(folder, lang) for folder in library]


def deepest_first(places: Places) -> Places:
    """``places`` in the order ``placed`` must try them: a folder inside another first (a virtualenv inside code in
    place is the runtime's packages, not the task root's files)."""
    return sorted(places, key=lambda place: len(place[0]), reverse=True)


def placed(text: str, places: Places) -> str:
    """``text`` (a file's name, or a message naming files) with the files of ``places`` named as Lambda names them."""
    for here, there in places:
        text = text.replace(here, there)
    return text


def error_document(error_type: str, message: str, request_id: Optional[str], stack_trace: List[str]) -> Dict[str, Any]:
    """The runtime's error object (what a handler exception or Runtime.* fault returns); no requestId when None."""
    document = {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": stack_trace}
    if request_id is None:
        del document["requestId"]
    return document


def exception_document(error: BaseException, request_id: str, places: Places = (), runtime: str = "") -> Dict[str, Any]:
    """The error object for an exception raised by the function's code (see ``user_stack`` for ``places``).

    The python3.8 runtime's has no requestId (recorded: LocalStack test_lambda_common.snapshot.json,
    test_uncaught_exception_invoke[python3.8]); later runtimes' have one.
    """
    shown = None if runtime == "python3.8" else request_id
    if isinstance(error, Fault):
        return error_document(error.error_type, error.message, shown, error.stack_trace)
    return error_document(type(error).__name__, str(error), shown, user_stack(error.__traceback__, places))


def encode_document(document: Dict[str, Any], runtime: str) -> bytes:
    """Error objects are written by the runtime's own encoder: default separators, ASCII before python3.12."""
    return json.dumps(document, ensure_ascii=not keeps_unicode(runtime)).encode("utf-8")


def sandbox_error(error_type: str, message: str) -> bytes:
    """Errors raised by Lambda itself rather than the runtime (timeouts, exits) are compact JSON."""
    return json.dumps({"errorType": error_type, "errorMessage": message}, separators=(",", ":")).encode("utf-8")

"""What ``@mock_lambda`` does to a function, a coroutine or generator function, or a test class."""

from __future__ import annotations

import functools
import inspect
import sys
from typing import TYPE_CHECKING, Any, Callable, Optional

if TYPE_CHECKING:
    from lambdamock._mock import LambdaMock

# Makes the fresh, unstarted mock each decorated call (or test) runs in.
Fresh = Callable[[], "LambdaMock"]


def decorate(fresh: Fresh, target: Any) -> Any:
    """``target`` run in a fresh mock each time it is called (a class: each of its tests, see LambdaMock.__call__)."""
    if inspect.isclass(target):
        return _decorate_class(fresh, target)
    if not callable(target):
        raise TypeError(_FORMS)
    func: Callable[..., Any] = target
    if inspect.isasyncgenfunction(func):
        raise TypeError(f"{_FORMS}; not an async generator function ({func.__qualname__})")
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with fresh():
                return await func(*args, **kwargs)

        return _marked(run_async)
    if inspect.isgeneratorfunction(func):

        @functools.wraps(func)
        def run_generator(*args: Any, **kwargs: Any) -> Any:
            # A pytest fixture that yields: the mock lives until the generator is finished.
            with fresh():
                return (yield from func(*args, **kwargs))

        return _marked(run_generator)

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        with fresh():
            return func(*args, **kwargs)

    return _marked(run)


_FORMS = "mock_lambda decorates a function, an async function, a generator function or a class"
_WRAPPED = "__lambdamock_wrapped__"
_SPAN = "_lambdamock_span"  # the mock a test instance's decorated setUp or setup_method started


def _marked(wrapper: Callable[..., Any]) -> Callable[..., Any]:
    setattr(wrapper, _WRAPPED, True)
    return wrapper


def _decorate_class(fresh: Fresh, cls: type) -> type:
    _decorate_nested(fresh, cls)
    # A TestCase subclass means unittest is loaded: lambdamock itself never imports it.
    unittest = sys.modules.get("unittest")
    if unittest is not None and issubclass(cls, unittest.TestCase):
        set_up = getattr(cls, "setUp")  # noqa: B009 - typed as a plain class here

        # As moto's class decorator does: one fresh mock from setUp to tearDown, for every test the
        # class runs (inherited ones too); addCleanup stops it even when setUp fails halfway.
        @functools.wraps(set_up)
        def setUp(self: Any) -> None:
            if _SPAN in self.__dict__:  # a decorated subclass's setUp started this test's mock already
                set_up(self)
                return
            started = fresh().start()
            self.__dict__[_SPAN] = started
            self.addCleanup(started.stop)
            self.addCleanup(self.__dict__.pop, _SPAN, None)
            set_up(self)

        if not getattr(set_up, _WRAPPED, False):
            setattr(cls, "setUp", _marked(setUp))  # noqa: B010
        return cls
    set_up = getattr(cls, "setup_method", None)
    # A teardown_method alone spans too: moto's decorator mocks it, and a cleanup loop run unmocked would reach AWS.
    if inspect.isfunction(set_up) or inspect.isfunction(getattr(cls, "teardown_method", None)):
        if not getattr(set_up, _WRAPPED, False):
            _span(fresh, cls, set_up)
        return cls
    for name in dir(cls):
        if not name.startswith("test"):
            continue
        member = inspect.getattr_static(cls, name)
        # A static or class method is wrapped inside, and stays one.
        kind = type(member) if isinstance(member, (staticmethod, classmethod)) else None
        func = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
        if inspect.isfunction(func) and not getattr(func, _WRAPPED, False):
            wrapped = decorate(fresh, func)
            setattr(cls, name, wrapped if kind is None else kind(wrapped))
    return cls


def _decorate_nested(fresh: Fresh, cls: type) -> None:
    """As moto's class decorator does: the classes defined in a decorated class are decorated too.

    pytest collects nested ``Test*`` classes (and TestCase subclasses of any name), which would otherwise run unmocked.
    A class only bound to a name here (defined elsewhere) is left alone, as is an inner one decorated already.
    """
    for name, member in list(vars(cls).items()):
        if inspect.isclass(member) and not name.startswith("_") and member.__qualname__ == f"{cls.__qualname__}.{name}":
            _decorate_class(fresh, member)


def _span(fresh: Fresh, cls: type, set_up: Optional[Callable[..., Any]]) -> None:
    """As moto's class decorator does for pytest's xunit methods: one fresh mock from setup_method to teardown_method.

    pytest does not call teardown_method after a setup_method that raised: the mock is stopped there.
    """
    tear_down = getattr(cls, "teardown_method", None)

    def setup_method(self: Any, method: Any = None) -> None:
        if _SPAN in self.__dict__:  # a decorated subclass's setup_method started this test's mock already
            if set_up is not None:
                _xunit_call(set_up, self, method)
            return
        started = fresh().start()
        setattr(self, _SPAN, started)
        try:
            if set_up is not None:
                _xunit_call(set_up, self, method)
        except BaseException:
            delattr(self, _SPAN)
            started.stop()
            raise

    if set_up is not None:
        setup_method = functools.wraps(set_up)(setup_method)

    def teardown_method(self: Any, method: Any = None) -> None:
        running = self.__dict__.pop(_SPAN, None)
        try:
            if tear_down is not None:
                _xunit_call(tear_down, self, method)
        finally:
            if running is not None:
                running.stop()

    setattr(cls, "setup_method", _marked(setup_method))  # noqa: B010
    setattr(cls, "teardown_method", teardown_method)  # noqa: B010


def _xunit_call(function: Callable[..., Any], instance: Any, method: Any) -> None:
    """Call a setup_method or teardown_method as pytest does: with the test function unless it takes only self.

    Like pytest, a wrapper taking ``*args`` (``mock.patch``'s, moto's ``mock_aws``) is given the test function too.
    """
    if getattr(getattr(function, "__code__", None), "co_argcount", 2) != 1:
        function(instance, method)
    else:
        function(instance)

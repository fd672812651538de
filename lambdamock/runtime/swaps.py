"""One process-wide attribute replaced by a stand-in while functions may run, calling on to what it replaced."""

from __future__ import annotations

import inspect
import threading
from typing import Any, Optional


class Swap:
    """``owner.name`` replaced by ``stand_in`` between install and uninstall.

    The stand-in calls on to what it replaced when it was installed (``replaced``), not to what lambdamock found on
    import (``genuine``): a tool's wrapper (Sentry's of Thread.start) or a test's patch (of time.sleep) set up in
    between still takes effect while functions run, and is what uninstall puts back, if the stand-in is still
    there (a later replacement is its maker's to undo).

    Another tool may wrap the stand-in while it is installed, and keep its wrapper after (``over``): the stand-in
    beneath it then goes on calling what it replaced (``beneath``), and a later install leaves that wrapper in
    place. A wrapper of the stand-in made after it is gone (a spy of it, left by a patch undone after the mock) is
    replaced in turn, and the call that comes back through it to the stand-in (the same call, on the same thread)
    goes to ``beneath`` rather than round again.
    """

    def __init__(self, owner: Any, name: str, stand_in: Any) -> None:
        self.owner, self.name, self.stand_in = owner, name, stand_in
        self.genuine: Any = inspect.getattr_static(owner, name)  # as stored: a class's may be a descriptor
        self.replaced: Any = self.genuine
        self.beneath: Any = self.genuine
        self.over: Any = None
        self._calls = threading.local()  # each thread's calls in progress, by the identities of their arguments

    def install(self) -> None:
        """Put the stand-in in place (again: a no-op while it is there)."""
        current = inspect.getattr_static(self.owner, self.name)
        if current is not self.stand_in and current is not self.over:
            self.replaced = current
            setattr(self.owner, self.name, self.stand_in)

    def reinstate(self) -> None:
        """Put the stand-in back while it is installed if someone put back what it replaced, or Python's own (a
        patch undone); anything else there (a wrapper of the stand-in) is left alone."""
        current = inspect.getattr_static(self.owner, self.name)
        if current is not self.stand_in and (current is self.replaced or current is self.genuine):
            self.replaced = current
            setattr(self.owner, self.name, self.stand_in)

    def uninstall(self) -> None:
        """Put back what the stand-in replaced, if it is still there."""
        current = inspect.getattr_static(self.owner, self.name)
        if current is self.stand_in:
            setattr(self.owner, self.name, self.replaced)
            self.replaced, self.over = self.beneath, None  # where the stand-in is still kept (from time import sleep)
        elif current is self.genuine:  # put back by someone else (a patch undone): nothing is beneath
            self.replaced = self.beneath = self.genuine
            self.over = None
        else:  # a wrapper of the stand-in (or a replacement) stays: the stand-in beneath it calls on as it did
            self.beneath, self.over = self.replaced, current

    def calling(self, *args: Any) -> bool:
        """Whether this thread is in this very call already: a wrapper of the stand-in called it back."""
        return tuple(map(id, args)) in getattr(self._calls, "keys", ())

    def call(self, *args: Any, **kwargs: Any) -> Any:
        """Call what the stand-in replaced (a module's function)."""
        return self._call(None, args, kwargs)

    def call_on(self, instance: Any, *args: Any) -> Any:
        """Call what the stand-in replaced (a class's attribute) as ``instance``'s attribute gives it."""
        return self._call(instance, (instance, *args), {})

    def _call(self, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        key = tuple(map(id, args))
        keys = self._calls.__dict__.setdefault("keys", set())
        again = key in keys
        target = self.beneath if again else self.replaced
        if instance is not None:
            target, args = _bound(target, instance), args[1:]
        if again:
            return target(*args, **kwargs)
        keys.add(key)
        try:
            return target(*args, **kwargs)
        finally:
            keys.discard(key)

    def call_genuine_on(self, instance: Any, *args: Any) -> Any:
        """Call ``genuine`` (a class's attribute) as ``instance``'s attribute gives it."""
        return _bound(self.genuine, instance)(*args)


def _bound(found: Any, instance: Any) -> Any:
    """What ``instance.name`` gives when its class stores ``found``: a bound method of a function or another
    descriptor (wrapt's wrappers), and anything else (a Mock) as it is."""
    get = getattr(type(found), "__get__", None)
    return found if get is None else get(found, instance, type(instance))


def where_present(owner: Any, name: str, stand_in: Any) -> Optional[Swap]:
    """A Swap of ``owner.name`` where the platform has it, else None."""
    return Swap(owner, name, stand_in) if hasattr(owner, name) else None

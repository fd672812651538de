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
    there (a later replacement is its maker's to undo). From then on the stand-in, wherever it is still kept
    (``from time import sleep`` while it was installed), calls ``genuine``.

    A wrapper of the stand-in may be what it replaces (another tool wrapped it while it was installed, and it was
    left so): a call that comes back to the stand-in through it, on the same thread, goes to ``genuine``.
    """

    def __init__(self, owner: Any, name: str, stand_in: Any) -> None:
        self.owner, self.name, self.stand_in = owner, name, stand_in
        self.genuine: Any = inspect.getattr_static(owner, name)  # as stored: a class's may be a descriptor
        self.replaced: Any = self.genuine
        self._calling = threading.local()

    def install(self) -> None:
        """Put the stand-in in place (again: a no-op while it is there)."""
        current = inspect.getattr_static(self.owner, self.name)
        if current is not self.stand_in:
            self.replaced = current
            setattr(self.owner, self.name, self.stand_in)

    def uninstall(self) -> None:
        """Put back what the stand-in replaced, if it is still there."""
        current = inspect.getattr_static(self.owner, self.name)
        if current is self.stand_in:
            setattr(self.owner, self.name, self.replaced)
        if current is self.stand_in or current is self.genuine:  # not beneath someone's wrapper of the stand-in
            self.replaced = self.genuine

    def calling(self) -> bool:
        """Whether this thread is in a call to what the stand-in replaced: the stand-in is called back through it."""
        return bool(getattr(self._calling, "on", False))

    def call(self, *args: Any, **kwargs: Any) -> Any:
        """Call what the stand-in replaced (a module's function)."""
        if self.calling():
            return self.genuine(*args, **kwargs)
        self._calling.on = True
        try:
            return self.replaced(*args, **kwargs)
        finally:
            self._calling.on = False

    def call_on(self, instance: Any, *args: Any) -> Any:
        """Call what the stand-in replaced (a class's attribute) as ``instance``'s attribute gives it."""
        if self.calling():
            return self.call_genuine_on(instance, *args)
        self._calling.on = True
        try:
            return _bound(self.replaced, instance)(*args)
        finally:
            self._calling.on = False

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

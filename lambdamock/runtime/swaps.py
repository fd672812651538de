"""One process-wide attribute replaced by a stand-in while functions may run, calling on to what it replaced."""

from __future__ import annotations

import inspect
from typing import Any, Optional

# How far a chain of wrappers is followed (``__wrapped__``) to find the stand-in beneath another tool's wrapper.
_DEPTH = 64


class Swap:
    """``owner.name`` replaced by ``stand_in`` between install and uninstall.

    The stand-in calls on to ``before``: what was there when it was installed, not when lambdamock was imported,
    so a tool's wrapper (Sentry's of Thread.start, say) or a test's patch (of time.sleep) set up in between still
    takes effect while functions run, and is what uninstall puts back.

    A tool that wraps the stand-in while it is installed keeps its wrapper: uninstall leaves what is no longer
    the stand-in to whoever put it there, and a later install, finding that wrapper (the one left, or any whose
    ``__wrapped__`` chain reaches the stand-in), leaves it in place, as the stand-in already runs beneath it.
    Taking it for ``before`` would have the stand-in call itself through it.
    """

    def __init__(self, owner: Any, name: str, stand_in: Any) -> None:
        self.owner, self.name, self.stand_in = owner, name, stand_in
        self.before: Any = getattr(owner, name)  # as the stand-in calls it (a class's attribute, as the class gives it)
        self._replaced: Any = self._current()  # as it is stored, to put back (a descriptor, such as wrapt's wrappers)
        self._left: Any = None  # what was on top of the stand-in when uninstall left it

    def _current(self) -> Any:
        return inspect.getattr_static(self.owner, self.name)

    def install(self) -> None:
        """Put the stand-in in place (again: a no-op while it is there)."""
        current = self._current()
        if current is self.stand_in or current is self._left or self._wraps_stand_in(current):
            return
        self.before, self._replaced = getattr(self.owner, self.name), current
        setattr(self.owner, self.name, self.stand_in)

    def uninstall(self) -> None:
        """Put back what the stand-in replaced, if it is still there."""
        current = self._current()
        if current is self.stand_in:
            setattr(self.owner, self.name, self._replaced)
            self._left = None
        elif current is not self._replaced:
            self._left = current

    def _wraps_stand_in(self, found: Any) -> bool:
        for _ in range(_DEPTH):
            try:
                found = found.__wrapped__
            except Exception:  # not a wrapper (a Mock has no such attribute either)
                return False
            if found is self.stand_in:
                return True
        return False


def where_present(owner: Any, name: str, stand_in: Any) -> Optional[Swap]:
    """A Swap of ``owner.name`` where the platform has it, else None."""
    return Swap(owner, name, stand_in) if hasattr(owner, name) else None

"""os.environ as each execution environment sees it: the process's variables plus the environment's own layer."""

from __future__ import annotations

from typing import Dict, Iterator, List, MutableMapping

from lambdamock.runtime.scope import Scope, current


def _check_str(value: object) -> str:
    # os.environ refuses non-str keys and values; a handler must get the same TypeError as on AWS.
    if not isinstance(value, str):
        raise TypeError(f"str expected, not {type(value).__name__}")
    return value


class ThreadEnviron(MutableMapping[str, str]):
    """os.environ that shows each environment's threads the process variables plus its own layer."""

    def __init__(self, base: MutableMapping[str, str]) -> None:
        self.base = base

    def __getitem__(self, key: str) -> str:
        scope = current()
        if scope is None:
            return self.base[key]
        value = scope.overlay.get(key)
        if value is not None:
            return value
        if key in scope.removed:
            raise KeyError(key)
        return self.base[key]

    def __setitem__(self, key: str, value: str) -> None:
        scope = current()
        if scope is None:
            self.base[key] = value
            return
        # Writes stay in the environment: the process (and its real C environ) is untouched.
        scope.overlay[_check_str(key)] = _check_str(value)
        scope.removed.discard(key)

    def __delitem__(self, key: str) -> None:
        scope = current()
        if scope is None:
            del self.base[key]
            return
        if key not in self:
            raise KeyError(key)
        scope.overlay.pop(key, None)
        scope.removed.add(key)

    def _keys(self, scope: Scope) -> List[str]:
        keys = [k for k in self.base if k not in scope.overlay and k not in scope.removed]
        keys.extend(scope.overlay)
        return keys

    def __iter__(self) -> Iterator[str]:
        scope = current()
        return iter(self.base) if scope is None else iter(self._keys(scope))

    def __len__(self) -> int:
        scope = current()
        return len(self.base) if scope is None else len(self._keys(scope))

    def copy(self) -> Dict[str, str]:
        return dict(self)

    def __repr__(self) -> str:
        return f"environ({dict(self)!r})"

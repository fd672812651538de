"""Event invoke configs: what an asynchronous invocation of a function, version or alias does on error and after."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Optional

from lambdamock.state.functions import LATEST, now


@dataclass(frozen=True)
class InvokeConfig:
    """One qualifier's settings; None where the caller set nothing (Lambda's defaults then apply)."""

    maximum_retry_attempts: Optional[int] = None
    """Retries of a failed event, 0 to 2; None means Lambda's default, 2."""
    maximum_event_age: Optional[int] = None
    """Seconds an event may wait, 60 to 21600; None means Lambda's default, 21600."""
    on_success: Optional[str] = None
    """The destination ARN for records of successful invocations."""
    on_failure: Optional[str] = None
    """The destination ARN for records of failed (or expired) events."""
    last_modified: datetime.datetime = field(default_factory=now, compare=False)


# What an invocation of a qualifier with no config gets: nothing set, Lambda's defaults.
UNSET = InvokeConfig()


def _order(qualifier: str) -> tuple[int, int, str]:
    """$LATEST, then versions by number, then aliases by name (alias names are never all digits)."""
    if qualifier == LATEST:
        return (0, 0, "")
    if qualifier.isdigit():
        return (1, int(qualifier), "")
    return (2, 0, qualifier)


class InvokeConfigs:
    """The configs of one region's functions, by function name and qualifier; guarded by the service lock."""

    def __init__(self) -> None:
        self._by_function: dict[str, dict[str, InvokeConfig]] = {}

    def effective(self, name: str, qualifier: Optional[str]) -> InvokeConfig:
        """The config an asynchronous invocation of ``name`` through ``qualifier`` runs with.

        ``qualifier`` is what the invocation named: an alias, a version, or None/``$LATEST``. Lambda
        takes the config of exactly that qualifier (an alias's, not its version's); UNSET when none.
        """
        return self._by_function.get(name, {}).get(qualifier or LATEST, UNSET)

    def get(self, name: str, qualifier: str) -> Optional[InvokeConfig]:
        return self._by_function.get(name, {}).get(qualifier)

    def put(self, name: str, qualifier: str, config: InvokeConfig) -> None:
        self._by_function.setdefault(name, {})[qualifier] = config

    def drop(self, name: str, qualifier: Optional[str] = None) -> bool:
        """Forget one qualifier's config, or every config of the function when ``qualifier`` is None."""
        configs = self._by_function.get(name)
        if configs is None:
            return False
        if qualifier is None:
            del self._by_function[name]
            return True
        found = configs.pop(qualifier, None) is not None
        if not configs:
            del self._by_function[name]
        return found

    def listed(self, name: str, after: Optional[str] = None) -> list[tuple[str, InvokeConfig]]:
        """The function's configs in list order, those after the qualifier ``after`` only when given."""
        configs = self._by_function.get(name, {})
        qualifiers = sorted(configs, key=_order)
        if after is not None:
            qualifiers = [qualifier for qualifier in qualifiers if _order(qualifier) > _order(after)]
        return [(qualifier, configs[qualifier]) for qualifier in qualifiers]

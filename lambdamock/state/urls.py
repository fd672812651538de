"""Function URL configs: the HTTPS endpoint of a function or alias, found by owner or by URL id."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Protocol

from lambdamock.state.functions import now

BUFFERED = "BUFFERED"
RESPONSE_STREAM = "RESPONSE_STREAM"
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def url_id(partition: str, region: str, account: str, name: str, qualifier: Optional[str], generation: int) -> str:
    """32 lowercase letters and digits: the same for the same function or alias in every run, and another for
    each URL made for it again (AWS: "Creating a new function URL results in a different URL address")."""
    again = f":{generation}" if generation else ""
    owner = f"{partition}:{region}:{account}:{name}:{qualifier}{again}"
    number = int.from_bytes(hashlib.sha256(owner.encode()).digest(), "big")
    digits = []
    for _ in range(32):
        number, digit = divmod(number, len(_ALPHABET))
        digits.append(_ALPHABET[digit])
    return "".join(digits)


def domain(identifier: str, region: str) -> str:
    """The host name of a function URL."""
    return f"{identifier}.lambda-url.{region}.on.aws"


# domain()'s host names, read back: the URL id and the region (a trailing dot names the same host).
_DOMAIN = re.compile(r"([0-9a-z]{32})\.lambda-url\.([0-9a-z-]+)\.on\.aws\.?")


def address(host: str) -> Optional[tuple[str, str]]:
    """The URL id and region a function URL's host name names, in any case (RFC 4343); None for any other host."""
    found = _DOMAIN.fullmatch(host.lower())
    return None if found is None else (found[1], found[2])


@dataclass(frozen=True)
class UrlConfig:
    """One function URL: who it invokes and how callers reach it."""

    url_id: str
    region: str
    function_name: str
    qualifier: Optional[str]  # the alias it invokes; None for the unqualified function
    auth_type: str
    # None until a caller sets it: BUFFERED applies, and Create and Update then leave it out of their answer.
    invoke_mode: Optional[str] = None
    cors: Optional[Mapping[str, Any]] = None
    created: datetime.datetime = field(default_factory=now)
    last_modified: datetime.datetime = field(default_factory=now)

    @property
    def mode(self) -> str:
        return self.invoke_mode or BUFFERED

    @property
    def url(self) -> str:
        """The FunctionUrl AWS gives it (with its trailing slash)."""
        return f"https://{domain(self.url_id, self.region)}/"

    def changed(self, **changes: Any) -> UrlConfig:
        return dataclasses.replace(self, last_modified=now(), **changes)


class FunctionUrls:
    """The URL configs of one region's functions; guarded by the service lock."""

    def __init__(self) -> None:
        self._by_owner: dict[tuple[str, Optional[str]], UrlConfig] = {}
        self._by_id: dict[str, UrlConfig] = {}
        # Ids whose config was deleted: AWS answers them as a refusal, not as an unknown URL.
        self._retired: set[str] = set()
        self._made: dict[tuple[str, Optional[str]], int] = {}  # how many URLs each owner has had

    def new_id(self, partition: str, region: str, account: str, name: str, qualifier: Optional[str]) -> str:
        """The id of a new URL of the function or alias: one it never had before."""
        generation = self._made.get((name, qualifier), 0)
        self._made[(name, qualifier)] = generation + 1
        return url_id(partition, region, account, name, qualifier, generation)

    def get(self, name: str, qualifier: Optional[str]) -> Optional[UrlConfig]:
        return self._by_owner.get((name, qualifier))

    def find(self, identifier: str) -> Optional[UrlConfig]:
        return self._by_id.get(identifier)

    def retired(self, identifier: str) -> bool:
        return identifier in self._retired

    def put(self, config: UrlConfig) -> None:
        self._by_owner[(config.function_name, config.qualifier)] = config
        self._by_id[config.url_id] = config
        self._retired.discard(config.url_id)

    def drop(self, name: str, qualifier: Optional[str]) -> bool:
        """Delete the URL of the function (qualifier None) or of one alias; False when it had none."""
        config = self._by_owner.pop((name, qualifier), None)
        if config is None:
            return False
        del self._by_id[config.url_id]
        self._retired.add(config.url_id)
        return True

    def drop_function(self, name: str) -> None:
        """Delete every URL of the function: it is being deleted."""
        for owner, qualifier in [key for key in self._by_owner if key[0] == name]:
            self.drop(owner, qualifier)

    def listed(self, name: str) -> list[UrlConfig]:
        """The function's URLs: the unqualified one first, then its aliases' by name."""
        found = [config for (owner, _), config in self._by_owner.items() if owner == name]
        return sorted(found, key=lambda config: (config.qualifier is not None, config.qualifier or ""))


class UrlServer(Protocol):
    """The loopback HTTP server of function URLs, as the service sees it: closed with it."""

    def close(self) -> None:
        """Stop serving: the port closes and the server's threads end."""

"""Maps an HTTP method and path to an operation, from the model's requestUri templates."""

from __future__ import annotations

import re
from typing import NamedTuple, Optional
from urllib.parse import unquote

from botocore.model import OperationModel, ServiceModel

_LABEL = re.compile(r"\{([^}]+)\}")


class Route(NamedTuple):
    operation: OperationModel
    pattern: "re.Pattern[str]"
    # Literal query pairs in the template (e.g. ``?List=ALL``) that tell apart
    # operations sharing one path.
    query: tuple[tuple[str, str], ...]


class Match(NamedTuple):
    operation: OperationModel
    labels: dict[str, str]


def _compile(template: str) -> tuple["re.Pattern[str]", tuple[tuple[str, str], ...]]:
    path, _, query = template.partition("?")
    parts: list[str] = []
    pos = 0
    for label in _LABEL.finditer(path):
        parts.append(re.escape(path[pos : label.start()]))
        name = label.group(1)
        greedy = name.endswith("+")
        name = name.rstrip("+")
        parts.append(f"(?P<{name}>{'.+' if greedy else '[^/]+'})")
        pos = label.end()
    parts.append(re.escape(path[pos:]))
    pairs = tuple(
        (key, value) for key, _, value in (item.partition("=") for item in query.split("&") if item)
    )
    return re.compile("".join(parts) + r"\Z"), pairs


class Router:
    """All routes of one service model, grouped by HTTP method."""

    def __init__(self, service_model: ServiceModel) -> None:
        self._routes: dict[str, list[Route]] = {}
        for name in service_model.operation_names:
            operation = service_model.operation_model(name)
            pattern, query = _compile(operation.http["requestUri"])
            self._routes.setdefault(operation.http["method"], []).append(
                Route(operation, pattern, query)
            )
        for routes in self._routes.values():
            # More literal query pairs first, so ``?List=ALL`` wins over the bare path.
            routes.sort(key=lambda route: -len(route.query))

    def match(self, method: str, path: str, query: dict[str, list[str]]) -> Optional[Match]:
        for route in self._routes.get(method, ()):
            found = route.pattern.match(path)
            if found is None:
                continue
            if all(value in query.get(key, ()) or (not value and key in query) for key, value in route.query):
                labels = {key: unquote(value) for key, value in found.groupdict().items()}
                return Match(route.operation, labels)
        return None

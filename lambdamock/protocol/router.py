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
        self._by_name: dict[str, Route] = {}
        for name in service_model.operation_names:
            operation = service_model.operation_model(name)
            pattern, query = _compile(operation.http["requestUri"])
            route = self._by_name[name] = Route(operation, pattern, query)
            self._routes.setdefault(operation.http["method"], []).append(route)
        for routes in self._routes.values():
            # More literal query pairs first, so ``?List=ALL`` wins over the bare path.
            routes.sort(key=lambda route: -len(route.query))
        self._with_query = {
            method: [route for route in routes if route.query] for method, routes in self._routes.items()
        }

    def match(
        self, method: str, path: str, query: dict[str, list[str]], hint: Optional[str] = None
    ) -> Optional[Match]:
        """The operation for this request; ``hint`` names the likely one, tried first."""
        hinted = self._by_name.get(hint) if hint else None
        if hinted is not None and hinted.operation.http["method"] == method:
            found = self._try(hinted, path, query)
            # A hinted route that matches is the answer unless a route with
            # more literal query pairs also matches (List=ALL over Get).
            if found is not None and not any(
                len(route.query) > len(hinted.query) and self._try(route, path, query)
                for route in self._with_query[method]
            ):
                return found
        for route in self._routes.get(method, ()):
            found = self._try(route, path, query)
            if found is not None:
                return found
        return None

    @staticmethod
    def _try(route: Route, path: str, query: dict[str, list[str]]) -> Optional[Match]:
        found = route.pattern.match(path)
        if found is None:
            return None
        if not all(value in query.get(key, ()) or (not value and key in query) for key, value in route.query):
            return None
        return Match(route.operation, {key: unquote(value) for key, value in found.groupdict().items()})

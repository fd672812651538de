"""Function URLs over real HTTP: a loopback server that hands each request to its function as Lambda's front end does."""

from __future__ import annotations

from typing import Optional, Union

from lambdamock import ids
from lambdamock.state import names
from lambdamock.state.service import Service
from lambdamock.urls import responses
from lambdamock.urls.server import Server


def base_url(service: Service, function: str, qualifier: Optional[str], region: Optional[str]) -> str:
    """The loopback URL of a function's (or alias's) URL config, ``http://127.0.0.1:<its port>/<url id>/``."""
    reference = names.parse(function)
    if reference is None:
        raise ValueError(f"not a function name or ARN: {function!r}")
    qualifier = qualifier or reference.qualifier
    region = region or reference.region
    with service.lock:
        regions = [candidate for candidate in service.regions() if region is None or candidate.name == region]
        exists = any(reference.name in candidate.functions for candidate in regions)
        found = [config for candidate in regions
                 for config in [candidate.urls.get(reference.name, qualifier)] if config is not None]
        aliased = sorted({config.qualifier for candidate in regions for config in candidate.urls.listed(reference.name)
                          if config.qualifier is not None})
    owner = reference.name if qualifier is None else f"{reference.name}:{qualifier}"
    if not exists:
        raise KeyError(f"no function {reference.name!r} in this mock")
    if not found and qualifier is None and aliased:
        raise LookupError(f"{owner} has no function URL of its own (aliases with one: {', '.join(aliased)}): "
                          "pass the alias as qualifier")
    if not found:
        raise LookupError(f"{owner} has no function URL: create one first (CreateFunctionUrlConfig)")
    if len(found) > 1:
        raise ValueError(f"{owner} has function URLs in several regions: pass region=")
    url_id = found[0].url_id
    return f"http://127.0.0.1:{Server.of(service).port(url_id)}/{url_id}/"


def route(service: Service, url_id: str, region: str) -> Union[Server, tuple[int, dict[str, str], bytes]]:
    """Where a request for the AWS address of a function URL goes: the loopback server, for an address the mock
    gave (its URL id, in its region; deleted since, too); else AWS's answer to an unknown URL, with a request id."""
    with service.lock:
        given = any(found.name == region and (found.urls.find(url_id) or found.urls.retired(url_id))
                    for found in service.regions())
    if given:
        return Server.of(service)
    unknown = responses.unknown()
    return unknown.status, {**dict(unknown.headers), "x-amzn-RequestId": ids.request_id()}, unknown.body


__all__ = ["Server", "base_url", "route"]

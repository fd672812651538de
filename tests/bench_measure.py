"""The benchmark's measuring tools: best-of timings, thread walls, the botocore floor and the report."""

from __future__ import annotations

import json
import threading
import time
from typing import Callable

import boto3
from botocore.awsrequest import AWSResponse

REGION = "us-east-1"
ROWS: list[tuple[str, str, str, bool]] = []


def best(func: Callable[[], object], number: int, repeat: int = 7) -> float:
    """Seconds per call: the best of ``repeat`` runs of ``number`` calls."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        runs.append((time.perf_counter() - start) / number)
    return min(runs)


def in_threads(func: Callable[[], None], count: int) -> float:
    """Wall seconds for ``count`` threads each running ``func`` once."""
    threads = [threading.Thread(target=func) for _ in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def report(name: str, value: float, target: str, ok: bool, unit: str = "x") -> None:
    shown = f"{value:.2f}{unit}" if unit == "x" else f"{value:.3f} {unit}"
    ROWS.append((name, shown, target, ok))
    print(f"{name:<58} {shown:>12}  target {target:<12} {'ok' if ok else 'MISSED'}", flush=True)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: object):
        yield self.body

    def read(self, amt: object = None) -> bytes:
        return self.body


def floor_client(recorded: dict[str, tuple[int, dict[str, str], bytes]]):
    """A Lambda client whose every call is answered with bytes recorded from lambdamock."""
    client = boto3.client("lambda", region_name=REGION, aws_access_key_id="a", aws_secret_access_key="b")

    def answer(request, event_name: str, **_: object) -> AWSResponse:
        status, headers, body = recorded[event_name.rsplit(".", 1)[1]]
        return AWSResponse(request.url, status, headers, _Raw(body))

    client.meta.events.register("before-send.lambda", answer)
    return client


def record(client, operation: str, **params: object) -> tuple[int, dict[str, str], bytes]:
    response = getattr(client, operation)(**params)
    meta = response["ResponseMetadata"]
    body = dict(response)
    body.pop("ResponseMetadata")
    payload = body.pop("Payload", None)
    data = payload.read() if payload is not None else json.dumps(body, default=str).encode()
    return meta["HTTPStatusCode"], dict(meta["HTTPHeaders"]), data


def alternating(ours: Callable[[], float], floor: Callable[[], float], rounds: int = 9) -> tuple[float, float]:
    """(ours, floor) seconds per call, each the best of ``rounds`` taken in turn: drift hits both alike."""
    ours_best = floor_best = float("inf")
    for _ in range(rounds):
        ours_best = min(ours_best, ours())
        floor_best = min(floor_best, floor())
    return ours_best, floor_best

"""lambdamock's benchmark: costs as ratios against the botocore floor, measured in one process.

The floor is botocore itself answering from a ``before-send`` handler that returns
the same bytes lambdamock would send: all client-side cost, zero service cost.
Run: ``python tests/benchmark.py``.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.bench_invoke import aio, function_urls, invocations, logs_shipping
from tests.bench_measure import ROWS
from tests.bench_scale import api_calls, big_package, import_cost, lifecycle, many_functions, mappings


def main() -> None:
    import platform

    import botocore

    print(f"Python {platform.python_version()}, botocore {botocore.__version__}, {os.cpu_count()} cores")
    print(f"{'measure':<58} {'value':>12}  {'target':<19} verdict")
    if sys.argv[1:] == ["aio"]:
        aio()
        return
    api_calls()
    invocations()
    logs_shipping()
    big_package()
    function_urls()
    aio()
    lifecycle()
    import_cost()
    many_functions()
    mappings()
    missed = [row for row in ROWS if not row[3]]
    print(f"\n{len(ROWS) - len(missed)} met, {len(missed)} missed")


if __name__ == "__main__":
    main()

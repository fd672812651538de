"""Writes docs/coverage.md: which Lambda operations lambdamock serves, per API version."""

from __future__ import annotations

import sys
from pathlib import Path

import botocore
import botocore.session
from botocore import xform_name

from lambdamock import operations

PAGE = Path(__file__).with_name("coverage.md")


def render() -> str:
    session = botocore.session.get_session()
    lines = [
        "# Operation coverage",
        "",
        "Generated from botocore's Lambda service models and lambdamock's operation registry",
        "by `python docs/gen_coverage.py`; a test keeps it current. An operation that is not",
        "served raises `NotServedError` naming it: never a silent default, never a network call.",
        f"Models of botocore {botocore.__version__}.",
    ]
    for version in ("2015-03-31", "2014-11-11"):
        model = session.get_service_model("lambda", api_version=version)
        served = operations.served(version)
        names = sorted(model.operation_names)
        count = sum(xform_name(name) in served for name in names)
        lines += ["", f"## API {version}: {count} of {len(names)} served", "", "| Operation | Served |", "| --- | --- |"]
        lines += [f"| {name} | {'yes' if xform_name(name) in served else 'no'} |" for name in names]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if PAGE.read_text() == text else "docs/coverage.md is stale: run python docs/gen_coverage.py")
    PAGE.write_text(text)

"""The documentation stays true: the coverage page matches the operation registry."""

from __future__ import annotations

import re
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name

from lambdamock import operations

PAGE = (Path(__file__).resolve().parent.parent / "docs" / "coverage.md").read_text()


def rows(version: str) -> dict[str, bool]:
    section = PAGE.split(f"## API {version}")[1].split("\n## ")[0]
    return {name: served == "yes" for name, served in re.findall(r"^\| (\w+) \| (yes|no) \|$", section, re.M)}


@pytest.mark.parametrize("version", ["2015-03-31", "2014-11-11"])
def test_coverage_page_is_current(version):
    # The page lists botocore's operations of the day; what must never drift is
    # which of them lambdamock serves. Regenerate with: python docs/gen_coverage.py
    page = rows(version)
    served = {name for name, yes in page.items() if yes}
    model = botocore.session.get_session().get_service_model("lambda", api_version=version)
    assert {xform_name(name) for name in served} == set(operations.served(version))
    assert served <= set(model.operation_names)


def test_readme_example_runs():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    example = readme.split("```python\n")[1].split("```")[0]
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)
    namespace["test_greeter"]()

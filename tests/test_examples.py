"""The examples run: every script in examples/ as a program, every notebook's code cells in order."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lambdamock import _active

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("script", sorted(EXAMPLES.glob("*.py")), ids=lambda path: path.name)
def test_script_runs(script):
    result = subprocess.run([sys.executable, str(script)], cwd=EXAMPLES.parent, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout


def run_cell(source: str, name: str, namespace: dict) -> object:
    """Run one cell as IPython would: its statements, then its last expression's value (displayed)."""
    body = ast.parse(source, name).body
    last = body.pop() if body and isinstance(body[-1], ast.Expr) else None
    exec(compile(ast.Module(body=body, type_ignores=[]), name, "exec"), namespace)
    return None if last is None else eval(compile(ast.Expression(last.value), name, "eval"), namespace)


@pytest.mark.parametrize("notebook", sorted(EXAMPLES.glob("*.ipynb")), ids=lambda path: path.name)
def test_notebook_runs_in_order(notebook):
    document = json.loads(notebook.read_text())
    assert document["nbformat"] == 4
    cells = [cell for cell in document["cells"] if cell["cell_type"] == "code"]
    assert cells, "a notebook without code"
    namespace: dict = {"__name__": "__main__"}
    for number, cell in enumerate(cells, start=1):
        assert cell["outputs"] == [] and cell["execution_count"] is None, f"cell {number}: clear its outputs"
        shown = run_cell("".join(cell["source"]), f"{notebook.name}, code cell {number}", namespace)
        # Jupyter prefers the HTML view where there is one: it must render.
        if hasattr(shown, "_repr_html_"):
            assert shown._repr_html_().startswith("<")
    assert _active.current() is None, "the notebook must stop its mock at the end"

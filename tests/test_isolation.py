"""No state leaks between tests: the same tests, twice each, on two xdist workers, in a child run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
# Tests that create the same names, reserve capacity and leave background work behind.
FILES = ["tests/test_lifecycle.py", "tests/test_lifecycle_threads_and_processes.py", "tests/test_aliases.py",
         "tests/test_concurrency.py", "tests/test_throttling.py"]


def test_repeated_parallel_runs_share_nothing() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "--count", "2", *FILES],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "HYGIENE PROBLEMS" not in run.stdout

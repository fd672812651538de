"""AWS_LAMBDA_EXEC_WRAPPER: the function's wrapper script, run once at init for the variables it sets.

On Lambda the runtime starts through the wrapper (``wrapper python ...``), which typically exports
variables and then ``exec "$@"``. lambdamock's runtime is the test process, so the wrapper runs with a
stand-in runtime that reports the environment it was given; what the wrapper added or changed becomes
the environment's. A wrapper that runs something else instead of the runtime changes nothing here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Dict, List, Mapping, Tuple

# What the wrapper is asked to run in the runtime's place: it prints the environment it was started with.
_REPORT = "import json, os, sys; sys.stdout.write('\\n' + json.dumps(dict(os.environ)))"
# How long init waits for the wrapper (Lambda's init limit).
_LIMIT_S = 10.0


def run(path: str, environment: Mapping[str, str]) -> Tuple[int, Dict[str, str], List[str]]:
    """Run the wrapper at ``path``: the exit status the runtime would have (0 when it starts), the variables
    the wrapper added or changed, and the lines it wrote. 127 when there is no such file (recorded:
    TestLambdaErrors::test_lambda_runtime_wrapper_not_found), 126 when it cannot be run."""
    if not os.path.isfile(path):
        return 127, {}, []
    try:
        done = subprocess.run([path, sys.executable, "-c", _REPORT], env=dict(environment), capture_output=True,
                              timeout=_LIMIT_S, check=False)
    except OSError:  # not executable, or no interpreter for its #! line: the shell's "cannot execute"
        return 126, {}, []
    except subprocess.TimeoutExpired:
        return 1, {}, []
    written, _, report = done.stdout.decode("utf-8", "replace").rpartition("\n")
    lines = [line + "\n" for line in written.splitlines() + done.stderr.decode("utf-8", "replace").splitlines()
             if line]
    if done.returncode != 0:
        return done.returncode, {}, lines
    try:
        after = json.loads(report)
    except ValueError:
        return 0, {}, lines  # it did not run the runtime it was given
    return 0, {key: value for key, value in after.items() if environment.get(key) != value}, lines

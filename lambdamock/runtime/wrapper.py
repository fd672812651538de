"""AWS_LAMBDA_EXEC_WRAPPER: the function's wrapper script, run once at init for the variables it sets.

On Lambda the runtime starts through the wrapper (``wrapper python ...``), which typically exports
variables and then ``exec "$@"``. lambdamock's runtime is the test process, so the wrapper runs with a
stand-in runtime that reports the environment it was given; what the wrapper added or changed becomes
the environment's. A wrapper written for Lambda's file system (``exec python3 /opt/...``) may fail
here where it would not on Lambda, so a wrapper that fails, or runs something else than the runtime,
changes nothing and does not stop the function; only a missing one does, as on Lambda.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Dict, List, Mapping, Tuple

# What the wrapper is asked to run in the runtime's place: it prints the environment it was started with.
_REPORT = "import json, os, sys; sys.stdout.write('\\n' + json.dumps(dict(os.environ)))"


def run(path: str, environment: Mapping[str, str], limit: float) -> Tuple[Dict[str, str], List[str]]:
    """Run the wrapper at ``path`` for up to ``limit`` seconds (its init's): the variables it added or changed, and
    the lines it wrote (a failure's explained); SystemExit(127) when there is no such file (recorded:
    test_lambda_runtime_wrapper_not_found)."""
    if not os.path.isfile(path):
        raise SystemExit(127)
    try:
        done = subprocess.run([path, sys.executable, "-c", _REPORT], env=dict(environment), capture_output=True,
                              timeout=limit, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return {}, [f"lambdamock: the exec wrapper {path} could not be run ({error}); its variables are not set\n"]
    written, _, report = done.stdout.decode("utf-8", "replace").rpartition("\n")
    lines = [line + "\n" for line in written.splitlines() + done.stderr.decode("utf-8", "replace").splitlines()
             if line]
    try:
        after = json.loads(report) if done.returncode == 0 else None
    except ValueError:
        after = None
    if not isinstance(after, dict):
        return {}, [*lines, f"lambdamock: the exec wrapper {path} did not start the runtime it was given "
                            f"(exit status {done.returncode}); its variables are not set\n"]
    return {key: value for key, value in after.items() if environment.get(key) != value}, lines

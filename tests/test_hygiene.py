"""The hygiene plugin (tests/hygiene.py) checks every run of this suite; here, that it can fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lambdamock import package

ROOT = Path(__file__).parent.parent
LEAKY = '''
import boto3
from lambdamock import mock_lambda

def test_started_and_never_stopped():
    mock_lambda().start()
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName="f", Runtime="python3.12", Role="arn:aws:iam::123456789012:role/r",
                           Handler="app.handler", Code={"ZipFile": ZIP})
    client.invoke(FunctionName="f")
'''
CLEAN = LEAKY.replace("mock_lambda().start()", "mock = mock_lambda().start()") + "    mock.stop()\n"


def run(tmp_path: Path, source: str, *options: str) -> subprocess.CompletedProcess[str]:
    zipped = package({"app.py": "def handler(e, c):\n    return 1\n"})
    test = tmp_path / "test_scenario.py"
    test.write_text(f"ZIP = {zipped!r}\n{source}")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.hygiene", "-p", "no:cacheprovider", "--import-mode=importlib",
         *options, str(test)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize(("source", "clean"), [(LEAKY, False), (CLEAN, True)], ids=["leaky", "clean"])
def test_the_plugin_tells_a_leak_from_a_clean_run(tmp_path: Path, source: str, clean: bool) -> None:
    result = run(tmp_path, source)
    assert ("HYGIENE PROBLEMS" not in result.stdout) is clean, result.stdout
    assert (result.returncode == 0) is clean, result.stdout
    if not clean:
        for problem in ("Endpoint._do_get_response is still patched", "os.environ changed",
                        "lambdamock threads still running", "temporary directories left behind"):
            assert problem in result.stdout


def test_a_leak_in_an_xdist_worker_fails_the_run(tmp_path: Path) -> None:
    result = run(tmp_path, LEAKY, "-n", "1")
    assert result.returncode != 0
    assert "[gw0] botocore's Endpoint._do_get_response is still patched" in result.stdout


def test_temporary_trees_of_a_mock_never_stopped_go_at_exit(tmp_path: Path) -> None:
    script = (
        "import boto3, glob, os, tempfile\n"
        "from lambdamock import mock_lambda, package\n"
        "mock_lambda().start()\n"
        "c = boto3.client('lambda', region_name='us-east-1')\n"
        "c.create_function(FunctionName='f', Runtime='python3.12', Role='arn:aws:iam::123456789012:role/r',\n"
        "                  Handler='app.handler', Code={'ZipFile': package({'app.py': 'def handler(e, c):\\n    return 1\\n'})})\n"
        "c.invoke(FunctionName='f')\n"
        "print(glob.glob(os.path.join(tempfile.gettempdir(), f'lambdamock-{os.getpid()}-*'))[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    assert done.returncode == 0, done.stderr
    tree = Path(done.stdout.strip())
    assert tree.name.startswith("lambdamock-") and not tree.exists()

"""The fast kill harness (issue 14): a training run saving every step is SIGKILLed 20 times, five
of them at each stage of its very first save and the rest at random moments, resumed each time, and
must end bit-identical to an uninterrupted run with no stray file. The long version is
``benchmarks/kill_harness.py`` (its docstring explains the harness)."""
import json
import os
import subprocess
import sys
from helpers.paths import REPO


def test_killed_and_resumed_run_ends_bit_identical_with_no_stray_files():
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, os.path.join(REPO, "benchmarks", "kill_harness.py"), "--kills", "20",
                           "--steps", "24", "--max-delay", "0.8", "--json"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    assert result["errors"] == ""
    assert result["kills"] >= 20 and result["kills_inside_first_save"] == 5
    assert result["kills_inside_save"] >= 5 and result["kills_before_first_checkpoint"] >= 5
    assert result["bit_identical"], result["identical_per_network"]
    assert result["stray_files"] == []
    assert proc.returncode == 0

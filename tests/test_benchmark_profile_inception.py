"""benchmarks/profile_inception.py's choice of precisions (a CPU without native bf16 measures fp32 alone)."""
import sys

import pytest

from helpers.benchmarks import load_benchmark


@pytest.fixture
def profile():
    return load_benchmark("profile_inception")


@pytest.mark.parametrize("value", ["fp64", "fp32,int8", ","])
def test_unknown_or_empty_precisions_are_refused_before_any_work(profile, monkeypatch, capsys, value):
    monkeypatch.setattr(sys, "argv", ["profile_inception.py", "--random", "--precisions", value])
    monkeypatch.setattr(profile, "load_images", lambda n: pytest.fail("work started"))
    with pytest.raises(SystemExit) as info:
        profile.main()
    assert info.value.code == 2
    assert "--precisions: expected some of ['bf16', 'fp32']" in capsys.readouterr().err


def test_matmul_peak_times_only_the_precisions_asked_for(profile, monkeypatch):
    timed = []

    def fake_single_thread(fn, repeats=3):  # records the dtype of the operands instead of timing them
        timed.append(fn.__defaults__[0].dtype)
        return 2.0

    monkeypatch.setattr(profile, "single_thread", fake_single_thread)
    monkeypatch.setattr(profile.torch, "randn", lambda *shape: profile.torch.zeros(2, 2))
    peak = profile.matmul_peak(["fp32"])
    assert list(peak) == ["fp32_gflops_per_core"] and timed == [profile.torch.float32]
    assert peak["fp32_gflops_per_core"] == pytest.approx(4 * 2 * 2048 ** 3 / 2.0 / 1e9)
    assert list(profile.matmul_peak()) == ["fp32_gflops_per_core", "bf16_gflops_per_core"]

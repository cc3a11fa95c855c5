"""`bench/parse.py` and `bench/parse_edifact.py` in CI size: every contender runs on the
generated files, rounds alternate, and `--against REV` runs that revision's reader, which
reads as many segments as this one (correctness, never speed)."""

from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))

    def load(name: str):
        sys.modules.pop(name, None)
        return importlib.import_module(name)

    return load


def test_alternate_runs_each_contender_once_per_round(bench):
    harness = bench("harness")
    calls = []

    def measure(name):
        calls.append(name)
        return {"times": [len(calls)], "segments": 7, "peak": len(calls)}

    merged = harness.alternate(measure, ["a", "b"], 3)
    assert calls == ["a", "b", "a", "b", "a", "b"]
    assert merged == {"a": {"times": [1, 3, 5], "segments": 7, "peak": 5},
                      "b": {"times": [2, 4, 6], "segments": 7, "peak": 6}}


def test_x12_bench_reads_the_same_segments_as_the_revision_it_is_run_against(bench, tmp_path):
    parse = bench("parse")
    tree = bench("harness").revision_tree("HEAD", tmp_path)
    assert (tree / "edi" / "x12" / "reader.py").is_file()
    for kind in ("850", "852"):
        path = tmp_path / f"{kind}.x12"
        parse.generate(path, kind, 200_000)
        results = parse.alternate(
            lambda name, path=path: parse.measure(name, path, 1, {"edihub@HEAD": tree}),
            ["split", "edihub", "pyx12", "edihub@HEAD"], 1)
        edihub = results["edihub"]["segments"]
        assert edihub > 5_000
        assert results["edihub@HEAD"]["segments"] == edihub
        # pyx12 and the split also count the ISA/GS/GE/IEA envelope segments
        assert results["pyx12"]["segments"] == results["split"]["segments"] > edihub


def test_edifact_bench_reads_the_same_segments_as_the_revision_it_is_run_against(
        bench, tmp_path):
    parse = bench("parse_edifact")
    tree = bench("harness").revision_tree("HEAD", tmp_path)
    for kind in ("ORDERS", "SLSRPT"):
        path = tmp_path / f"{kind}.edi"
        parse.generate(path, 1, kind)
        results = parse.alternate(
            lambda name, path=path: parse._measure(name, path, 1, {"edihub@HEAD": tree}),
            ["edihub", "pydifact", "edihub@HEAD"], 1)
        edihub = results["edihub"]["segments"]
        assert edihub > 40_000
        assert results["edihub@HEAD"]["segments"] == edihub
        # pydifact, another reader that honours release characters, finds the same segments
        # (its interchange keeps UNB and UNZ apart, as edihub keeps them in the envelope)
        assert results["pydifact"]["segments"] == edihub


def test_the_bench_commands_print_a_row_per_contender(bench, capsys):
    bench("parse").main(["--sizes", "1", "--runs", "1", "--kinds", "852",
                         "--against", "HEAD", "--pyx12-max-mb", "0"])
    rows = [line.split()[3] for line in capsys.readouterr().out.splitlines()[2:]]
    assert rows == ["split", "edihub", "edihub@HEAD"]


def test_instruction_counts_read_the_segments_a_reader_reads(bench, tmp_path):
    """`bench/instructions.py`: its floor and split loops see every segment edihub reads
    (plus the envelopes), and with valgrind present a count comes out per segment."""
    instructions = bench("instructions")
    paths = instructions.generate(tmp_path, 1)
    for label, path in paths.items():
        edihub = instructions.read(str(path), "edihub")
        assert edihub > 20_000, label
        assert instructions.read(str(path), "floor") > edihub, label
        assert instructions.read(str(path), "split") > edihub, label
    if shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed")
    small = tmp_path / "small.x12"
    bench("parse").generate(small, "852", 20_000)
    count, segments = instructions.per_segment(small, "edihub", {})
    assert segments > 1_000 and 500 < count < 100_000

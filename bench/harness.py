"""What the read benchmarks share: runs that alternate between contenders, and the `edi`
package of another git revision to run beside this one.

A shared 2-core machine speeds up and slows down by a third within minutes, so the runs of
all contenders alternate (round 1: each contender once, round 2: each once, ...), each run
in a fresh subprocess; a slow spell then weighs on all of them alike. `--against REV` adds
`edihub@REV`, the same reader code path of an older revision, measured in the same rounds:
the honest way to say what a change gained.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def revision_tree(rev: str, into: Path) -> Path:
    """A folder holding the `edi` package of git revision `rev` (as `git archive` gives it);
    put it first on PYTHONPATH to run that revision's reader."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "edi"],
                             check=True, capture_output=True).stdout
    dest = into / f"rev-{rev.replace('/', '_')}"
    dest.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def alternate(measure: Callable[[str], dict], names: list[str], runs: int) -> dict[str, dict]:
    """`runs` rounds of one `measure(name)` per contender; per contender, its lists
    (times, cpu) joined and its numbers (segments, peak memory) the largest seen."""
    merged: dict[str, dict] = {name: {} for name in names}
    for _ in range(runs):
        for name in names:
            for key, value in measure(name).items():
                if isinstance(value, list):
                    merged[name].setdefault(key, []).extend(value)
                else:
                    merged[name][key] = max(merged[name].get(key, value), value)
    return merged


def worker_env(*path_first: Path) -> dict[str, str]:
    """The environment of a contender's subprocess: `path_first` (then the repository) on
    PYTHONPATH, and no OpenBLAS thread pool. numpy (which `edi.tagscan` uses, never for
    BLAS) otherwise starts one thread per core that spins for a while after import, and
    on two cores that takes the other core away from a short run and its CPU time."""
    paths = dict.fromkeys([*map(str, path_first), str(ROOT)])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "OPENBLAS_NUM_THREADS": "1"}


def contender(name: str, trees: dict[str, Path]) -> tuple[str, dict[str, str]]:
    """The worker a contender runs (its name before any `@`) and its subprocess's
    environment: `edihub@REV` reads with the `edi` package of `trees[name]`."""
    return name.split("@")[0], worker_env(*([trees[name]] if name in trees else []))

"""X12 read benchmark: edihub vs pyx12 vs a bare `str.split` baseline.

Generates deterministic X12 850 (segments end `~` + line break) and 852 (segments end `~`,
one line) files of the requested sizes in a temporary directory, then runs the contenders
`--runs` rounds, alternating, each run in a subprocess of its own (`bench/harness.py`), and
prints the median MB/s (wall clock, and on the process's CPU time), segments/s and the peak
RSS of those subprocesses.

    .venv/bin/python bench/parse.py --sizes 1,10,100 --runs 3 [--against REV]

- edihub: `edi.iter_messages` streaming over the open file, touching every segment's tag.
- pyx12: `pyx12.x12file.X12Reader` over the same file (envelope-checking segment reader);
  by default only on files up to `--pyx12-max-mb` (10) because it runs at ~5 MB/s.
- split: read + latin-1 decode the whole file, split on `~` then on `*`; no objects, no
  positions, no checks: the floor for any pure-Python reader.
- edihub@REV (`--against REV`, repeatable): edihub with the `edi` package of git revision
  REV, in the same rounds.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import alternate, contender, revision_tree

ROOT = Path(__file__).resolve().parents[1]
MB = 1_000_000


def _isa(control: int) -> str:
    return "*".join(["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "BUYERHQ".ljust(15), "14",
                     "4012345000009".ljust(15), "240101", "1200", "U", "00401",
                     f"{control:09d}", "0", "P", ">"]) + "~"


def _po(n: int) -> list[str]:
    segs = [f"ST*850*{n:04d}", f"BEG*00*SA*PO{n:07d}**20240101", "CUR*BY*USD",
            "REF*DP*038", "DTM*002*20240115", "N1*ST*STORE " + str(n % 500) + "*92*" +
            f"{n % 500:04d}", "N3*100 MAIN STREET", "N4*SPRINGFIELD*IL*62701"]
    for line in range(1, 1 + 5 + n % 16):
        gtin = f"0001234{(n * 31 + line) % 10_000_000:07d}"
        segs.append(f"PO1*{line}*{(n + line) % 97 + 1}*EA*{(line * 7) % 50 + 0.99:.2f}**UP*"
                    f"{gtin}*VN*AB{line:03d}")
        segs.append(f"PID*F****ITEM {line} OF ORDER {n}")
    segs.append(f"CTT*{5 + n % 16}")
    segs.append(f"SE*{len(segs) + 1}*{n:04d}")
    return segs


def _pd(n: int) -> list[str]:
    segs = [f"ST*852*{n:04d}", "XQ*H*20240101*20240107", f"N9*IA*{n:06d}",
            f"N1*RL*STORE {n % 500}*92*{n % 500:04d}"]
    for line in range(1, 1 + 10 + n % 21):
        gtin = f"0001234{(n * 17 + line) % 10_000_000:07d}"
        segs.append(f"LIN**UP*{gtin}")
        segs.append(f"ZA*QS*{(n + line) % 40}*EA")
        segs.append(f"ZA*QA*{(n * line) % 300}*EA")
    segs.append(f"CTT*{10 + n % 21}")
    segs.append(f"SE*{len(segs) + 1}*{n:04d}")
    return segs


def generate(path: Path, kind: str, size: int) -> int:
    """Write one interchange per 1,000 transaction sets until `size` bytes; return bytes."""
    make, fid, end = (_po, "PO", "~\n") if kind == "850" else (_pd, "PD", "~")
    written = 0
    n = 0
    control = 0
    with path.open("w", encoding="latin-1", newline="") as out:
        while written < size:
            control += 1
            parts = [_isa(control) + ("\n" if end == "~\n" else ""),
                     f"GS*{fid}*BUYERHQ*4012345000009*20240101*1200*{control}*X*004010{end}"]
            count = 0
            while count < 1000 and written + sum(map(len, parts)) < size:
                n += 1
                count += 1
                parts.append(end.join(make(n)) + end)
            parts.append(f"GE*{count}*{control}{end}IEA*1*{control:09d}{end}")
            text = "".join(parts)
            out.write(text)
            written += len(text)
    return written


# ------------------------------------------------------------------ workers (subprocess)


def run_edihub(path: str) -> int:
    import edi

    n = 0
    with open(path, "rb") as f:
        for msg in edi.iter_messages(f):
            for seg in msg.segments:
                if seg.tag:
                    n += 1
    return n


def run_pyx12(path: str) -> int:
    import logging

    import pyx12.x12file

    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    n = 0
    for seg in pyx12.x12file.X12Reader(path):
        if seg.get_seg_id():
            n += 1
    return n


def run_split(path: str) -> int:
    with open(path, "rb") as f:
        text = f.read().decode("latin-1")
    n = 0
    for raw in text.split("~"):
        if raw.strip():
            raw.split("*")
            n += 1
    return n


WORKERS = {"edihub": run_edihub, "pyx12": run_pyx12, "split": run_split}


def worker(name: str, path: str, runs: int) -> None:
    # imported before timing so that import time is not measured
    import pyx12.x12file  # noqa: F401

    import edi
    import edi.x12.reader  # noqa: F401

    times = []
    cpu = []
    segments = 0
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        segments = WORKERS[name](path)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"times": times, "cpu": cpu, "segments": segments,
                      "peak_kib": peak_kib}))


# ------------------------------------------------------------------ driver


def measure(name: str, path: Path, runs: int, trees: dict[str, Path]) -> dict:
    """One subprocess running contender `name` `runs` times; `edihub@REV` is the edihub
    worker with the `edi` package of `trees[name]` first on the path."""
    worker_name, env = contender(name, trees)
    out = subprocess.run(
        [sys.executable, __file__, "--worker", worker_name, "--file", str(path),
         "--runs", str(runs)],
        check=True, capture_output=True, text=True, cwd=ROOT, env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100", help="file sizes in MB, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", default="850,852")
    parser.add_argument("--contenders", default="split,edihub,pyx12")
    parser.add_argument("--pyx12-max-mb", type=int, default=10)
    parser.add_argument("--against", action="append", default=[], metavar="REV",
                        help="also run edihub as of git revision REV, in the same rounds")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.file, args.runs)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    contenders = args.contenders.split(",") + [f"edihub@{rev}" for rev in args.against]
    print(f"python {sys.version.split()[0]}, runs={args.runs} alternating, median shown")
    print(f"{'file':<14}{'contender':<16}{'MB/s':>9}{'CPU MB/s':>9}{'segments/s':>14}"
          f"{'peak RSS MB':>13}{'B/segment':>11}{'x split':>9}")
    with tempfile.TemporaryDirectory(prefix="edihub-bench-") as tmp:
        trees = {f"edihub@{rev}": revision_tree(rev, Path(tmp)) for rev in args.against}
        for kind in args.kinds.split(","):
            for size in sizes:
                path = Path(tmp) / f"x12_{kind}_{size}mb.edi"
                nbytes = generate(path, kind, size * MB)
                split_rate = None
                names = [name for name in contenders
                         if not (name == "pyx12" and size > args.pyx12_max_mb)]
                results = alternate(lambda name, path=path: measure(name, path, 1, trees),
                                    names, args.runs)
                for name in names:
                    r = results[name]
                    median = statistics.median(r["times"])
                    rate = nbytes / MB / median
                    cpu_rate = nbytes / MB / statistics.median(r["cpu"])
                    if name == "split":
                        split_rate = rate
                    ratio = f"{rate / split_rate:.2f}" if split_rate else "-"
                    print(f"{kind + ' ' + str(size) + ' MB':<14}{name:<16}"
                          f"{rate:>9.1f}{cpu_rate:>9.1f}{r['segments'] / median:>14,.0f}"
                          f"{r['peak_kib'] / 1024:>13.0f}{nbytes / r['segments']:>11.1f}"
                          f"{ratio:>9}", flush=True)
                path.unlink()


if __name__ == "__main__":
    main()

"""Benchmark: reading EDIFACT to located segments (edihub vs pydifact vs a str.split baseline).

    .venv/bin/python bench/parse_edifact.py --sizes 1,10,100 --runs 3 [--against REV]

Generates deterministic ORDERS and SLSRPT interchanges (some values carry release characters:
`?+`, `?:`, `?'`, `??`) into a temporary directory, then runs the contenders `--runs` rounds,
alternating, each run in a subprocess of its own (`bench/harness.py`; peak RSS is per
contender), and prints the median MB/s (wall clock, and on process CPU time), segments/s and
peak RSS.

* edihub: `edi.iter_messages` over the open file, touching every segment's tag.
* pydifact: `Interchange.from_str` on the decoded file, iterating its segments (only on the
  sizes listed in `--pydifact-sizes`, default 1,10: it is too slow for 100 MB).
* split: `str.split` on the terminator and the element separator, no release handling
  (a lower bound on what any pure-Python reader costs; it gets released terminators wrong).
* edihub@REV (`--against REV`, repeatable): edihub with the `edi` package of git revision
  REV, in the same rounds.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import alternate, contender, revision_tree

MB = 1_000_000
_NAMES = ["ACME GMBH", "SMITH?+SONS", "O?'BRIEN LTD", "A?:B TRADING", "50?? OFF", "NORTHWIND"]


def _interchange_head(ref: int) -> str:
    return f"UNA:+.? 'UNB+UNOC:3+5412345000013:14+4012345000009:14+240101:1200+{ref}'"


def _orders(rng: random.Random, n: int) -> list[str]:
    segs = [
        f"UNH+{n}+ORDERS:D:96A:UN:EAN008",
        f"BGM+220+PO{n:08d}+9",
        "DTM+137:20240101:102",
        f"NAD+BY+5412345000013::9++{rng.choice(_NAMES)}",
        f"NAD+SU+4012345000009::9++{rng.choice(_NAMES)}",
        "NAD+DP+5412345000020::9",
        "CUX+2:EUR:9",
    ]
    for line in range(1, rng.randint(3, 12)):
        segs += [
            f"LIN+{line}++{rng.randrange(10**12, 10**13)}:SRV",
            f"PIA+1+ART-{rng.randrange(10**5)}:SA",
            f"IMD+F++:::{rng.choice(_NAMES)} ITEM",
            f"QTY+21:{rng.randint(1, 500)}:PCE",
            f"PRI+AAA:{rng.randint(1, 9999) / 100:.2f}",
            "DTM+2:20240115:102",
        ]
    segs += ["UNS+S", f"CNT+2:{line}"]
    segs.append(f"UNT+{len(segs) + 1}+{n}")
    return segs


def _slsrpt(rng: random.Random, n: int) -> list[str]:
    segs = [
        f"UNH+{n}+SLSRPT:D:01B:UN:EAN004",
        f"BGM+73E+SR{n:08d}+9",
        "DTM+137:20240101:102",
        "DTM+90:20231225:102",
        "DTM+91:20231231:102",
        f"NAD+BY+5412345000013::9++{rng.choice(_NAMES)}",
    ]
    for loc in range(1, rng.randint(2, 5)):
        segs += [f"LOC+162+{5412345000000 + loc}::9"]
        for line in range(1, rng.randint(3, 10)):
            segs += [
                f"LIN+{line}++{rng.randrange(10**12, 10**13)}:SRV",
                f"PRI+AAA:{rng.randint(1, 9999) / 100:.2f}",
                f"QTY+153:{rng.randint(0, 90)}",
            ]
    segs.append(f"UNT+{len(segs) + 1}+{n}")
    return segs


def generate(path: Path, size_mb: int, kind: str) -> int:
    """Write a deterministic file of about `size_mb` MB; return its size in bytes."""
    rng = random.Random(f"{kind}-{size_mb}")
    make = _orders if kind == "ORDERS" else _slsrpt
    sep = "'\n" if kind == "ORDERS" else "'"  # one with line breaks, one single-line
    target = size_mb * MB
    written = 0
    ref = 0
    with path.open("w", encoding="latin-1", newline="") as out:
        while written < target:
            ref += 1
            parts = [_interchange_head(ref)]
            count = 0
            while count < 500 and written + sum(map(len, parts)) < target:
                count += 1
                parts.append(sep.join(make(rng, count)) + sep)
            parts.append(f"UNZ+{count}+{ref}{sep}")
            text = parts[0] + ("\n" if sep != "'" else "") + "".join(parts[1:])
            out.write(text)
            written += len(text)
    return path.stat().st_size


# ---------------------------------------------------------------------- contenders


def _run_edihub(path: str) -> int:
    import edi

    n = 0
    with open(path, "rb") as f:
        for message in edi.iter_messages(f):
            for seg in message.segments:
                seg.tag  # noqa: B018 - touch every segment
                n += 1
    return n


def _run_pydifact(path: str) -> int:
    from pydifact.segmentcollection import Interchange

    with open(path, encoding="latin-1") as f:
        text = f.read()
    n = 0
    # pydifact reads one interchange per call: hand it one UNA..UNZ at a time
    for part in text.split("UNA")[1:]:
        for seg in Interchange.from_str("UNA" + part).segments:
            seg.tag  # noqa: B018
            n += 1
    return n


def _run_split(path: str) -> int:
    with open(path, "rb") as f:
        text = f.read().decode("latin-1")
    n = 0
    for seg in text.split("'"):
        seg.split("+")
        n += 1
    return n


CONTENDERS = {"edihub": _run_edihub, "pydifact": _run_pydifact, "split": _run_split}


def _child(name: str, path: str, runs: int) -> None:
    fn = CONTENDERS[name]
    # imports are not part of the measurement
    if name == "edihub":
        import edi.edifact.reader  # noqa: F401
    elif name == "pydifact":
        import pydifact.segmentcollection  # noqa: F401
    times = []
    cpu = []
    segments = 0
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        segments = fn(path)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"times": times, "cpu": cpu, "segments": segments,
                      "rss_mb": rss_kb / 1024}))


def _measure(name: str, path: Path, runs: int, trees: dict[str, Path]) -> dict:
    """One subprocess running contender `name` `runs` times; `edihub@REV` is the edihub
    contender with the `edi` package of `trees[name]` first on the path."""
    worker_name, env = contender(name, trees)
    out = subprocess.run(
        [sys.executable, __file__, "--child", worker_name, str(path), "--runs", str(runs)],
        capture_output=True, text=True, check=True, env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,100", help="file sizes in MB")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pydifact-sizes", default="1,10", help="sizes pydifact runs on")
    ap.add_argument("--kinds", default="ORDERS,SLSRPT")
    ap.add_argument("--against", action="append", default=[], metavar="REV",
                    help="also run edihub as of git revision REV, in the same rounds")
    ap.add_argument("--child", nargs=2, metavar=("CONTENDER", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(args.child[0], args.child[1], args.runs)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    py_sizes = {int(s) for s in args.pydifact_sizes.split(",") if s}
    print(f"{'python ' + sys.version.split()[0]}, runs={args.runs} alternating (median)")
    header = (f"{'file':<16}{'contender':<16}{'MB/s':>9}{'CPU MB/s':>9}{'Msegs/s':>9}"
              f"{'RSS MB':>9}{'x pydifact':>11}")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        trees = {f"edihub@{rev}": revision_tree(rev, Path(tmp)) for rev in args.against}
        for kind in args.kinds.split(","):
            for size in sizes:
                path = Path(tmp) / f"{kind.lower()}_{size}mb.edi"
                nbytes = generate(path, size, kind)
                rows = {}
                names = [name for name in [*CONTENDERS, *trees]
                         if not (name == "pydifact" and size not in py_sizes)]
                results = alternate(lambda name, path=path: _measure(name, path, 1, trees),
                                    names, args.runs)
                for name in names:
                    r = results[name]
                    med = statistics.median(r["times"])
                    cpu = statistics.median(r["cpu"])
                    rows[name] = (nbytes / MB / med, nbytes / MB / cpu,
                                  r["segments"] / med / 1e6, r["rss_mb"])
                py = rows.get("pydifact")
                for name, (mbs, cpu_mbs, segs, rss) in rows.items():
                    ratio = f"{mbs / py[0]:.1f}" if py and name != "pydifact" else ""
                    print(f"{kind + ' ' + str(size) + 'MB':<16}{name:<16}{mbs:>9.1f}"
                          f"{cpu_mbs:>9.1f}{segs:>9.3f}{rss:>9.1f}{ratio:>11}")
                    sys.stdout.flush()
                path.unlink()


if __name__ == "__main__":
    main()

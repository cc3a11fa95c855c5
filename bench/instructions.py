"""Instructions per segment of a full read, counted by valgrind's cachegrind: the steady
measure of a reader change on a machine whose speed swings from run to run.

    .venv/bin/python bench/instructions.py [--mb 2] [--against REV]

Writes the read benches' deterministic X12 850 and 852 and EDIFACT ORDERS and SLSRPT files
(`--mb` MB each), then for each file counts the instructions of a subprocess that reads it
through `edi.iter_messages` touching every segment's tag (as `bench/parse.py` does), minus
those of the same subprocess that only imports, divided by the segments read. The same for
the `str.split` baseline and, with `--against REV`, for the `edi` package of git revision
REV; and for `floor`, a loop that only makes, touches and frees one located segment per
piece (no envelopes, no checks): what no reader of located segments avoids. Needs
valgrind; OpenBLAS threads are off (`harness.worker_env`), since their spinning
varies with timing.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import parse
import parse_edifact
from harness import contender, revision_tree

MB = 1_000_000
FILES = {"X12 850": ".x12", "X12 852": ".x12", "EDIFACT ORDERS": ".edi",
         "EDIFACT SLSRPT": ".edi"}


def read(path: str, contender_name: str) -> int:
    """The segments one full read finds."""
    if contender_name == "split":
        x12 = path.endswith(".x12")
        with open(path, "rb") as f:
            text = f.read().decode("latin-1")
        n = 0
        for raw in text.split("~" if x12 else "'"):
            if raw.strip():
                raw.split("*" if x12 else "+")
                n += 1
        return n
    if contender_name == "floor":
        return _floor(path)
    import edi

    n = 0
    with open(path, "rb") as f:
        for message in edi.iter_messages(f):
            for seg in message.segments:
                if seg.tag:
                    n += 1
    return n


def _floor(path: str) -> int:
    """What any reader of located segments does at the least, and nothing else: 1 MiB chunks
    decoded and split on the terminator, tags looked up by `TagTable`, and one `Segment`
    (with a shared `Span`) made, touched and freed per piece, 50 at a time as in a message;
    no envelope, no checks, no release characters."""
    from edi.model import Delimiters, Segment, Span
    from edi.tagscan import HEAD, TagTable

    x12 = path.endswith(".x12")
    term, sep = ("~", "*") if x12 else ("'", "+")
    d = Delimiters(sep, term, ":")
    known: dict[str, str] = {}
    table = TagTable()
    n, tail = 0, ""
    with open(path, "rb") as f:
        while data := f.read(1 << 20):
            text = tail + data.decode("latin-1")
            parts = text.split(term)
            tail = parts.pop()
            parts = [p.lstrip() for p in parts] if "\n" in text else parts
            for p in parts[:200]:  # learn the tags (a reader does this once)
                known.setdefault(HEAD(p), p[:3].rstrip(sep))
            lengths = list(map(len, parts))
            tags, _ = table.look_up(known, parts, table.heads_at("".join(parts), lengths, 0))
            for k in range(0, len(parts), 50):
                for seg in Segment.many(tags[k:k + 50], parts[k:k + 50], Span(d, 0, 1)):
                    seg.tag  # noqa: B018 - touch it as the other contenders do
                    n += 1
    return n


def _instructions(path: Path, name: str, trees: dict[str, Path], go: bool) -> tuple[int, int]:
    """(instructions, segments) of one worker subprocess under cachegrind."""
    worker, env = contender(name, trees)
    out = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, __file__, "--worker", worker, str(path), "1" if go else "0"],
        capture_output=True, text=True, check=True, env=env,
    )
    refs = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if refs is None:
        raise SystemExit(f"no instruction count from valgrind: {out.stderr[-500:]}")
    segments = int(out.stdout.strip() or 0)
    return int(refs.group(1).replace(",", "")), segments


def per_segment(path: Path, name: str, trees: dict[str, Path]) -> tuple[float, int]:
    base, _ = _instructions(path, name, trees, go=False)
    full, segments = _instructions(path, name, trees, go=True)
    return (full - base) / segments, segments


def _worker(name: str, path: str, go: bool) -> None:
    import edi
    import edi.edifact.reader
    import edi.x12.reader  # noqa: F401

    if go:
        print(read(path, name))


def generate(folder: Path, mb: int) -> dict[str, Path]:
    paths = {}
    for label, suffix in FILES.items():
        kind = label.split()[1]
        path = folder / f"{kind}{suffix}"
        if label.startswith("X12"):
            parse.generate(path, kind, mb * MB)
        else:
            parse_edifact.generate(path, mb, kind)
        paths[label] = path
    return paths


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=2, help="size of each file in MB")
    ap.add_argument("--against", action="append", default=[], metavar="REV")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        _worker(args.worker[0], args.worker[1], args.worker[2] == "1")
        return
    with tempfile.TemporaryDirectory(prefix="edihub-instr-") as tmp:
        trees = {f"edihub@{rev}": revision_tree(rev, Path(tmp)) for rev in args.against}
        names = ["edihub", *trees, "floor", "split"]
        print(f"{'file':<16}" + "".join(f"{n:>18}" for n in names) + f"{'segments':>11}")
        for label, path in generate(Path(tmp), args.mb).items():
            counts = [per_segment(path, name, trees) for name in names]
            print(f"{label:<16}" + "".join(f"{c:>18,.0f}" for c, _ in counts)
                  + f"{counts[0][1]:>11,}", flush=True)


if __name__ == "__main__":
    main()

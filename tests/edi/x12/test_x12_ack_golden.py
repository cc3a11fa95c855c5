"""Golden acknowledgements: every readable corpus X12 file -> its 997, 999 and TA1, exactly.

Regenerate on purpose with `EDIHUB_REGENERATE_GOLDEN=1 pytest tests/edi/x12`, then review
the diff of `tests/edi/x12/golden/`.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

import edi
from edi.x12.ack import write_functional_ack, write_ta1

CORPUS = Path(__file__).parents[2] / "samples" / "corpus" / "x12"
GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("EDIHUB_REGENERATE_GOLDEN") == "1"
CREATED = datetime(2024, 6, 1, 9, 30)
NAMES = sorted(p.name for p in CORPUS.iterdir() if p.name != "badx12__bad_file.edi")


def acks(name: str) -> dict[str, str]:
    result = edi.parse((CORPUS / name).read_bytes())
    out: dict[str, str] = {}
    for k, ic in enumerate(result.interchanges, start=1):
        suffix = f".{k}" if len(result.interchanges) > 1 else ""
        for kind in ("997", "999"):
            out[f"{name}{suffix}.{kind}.edi"] = write_functional_ack(
                ic, kind=kind, interchange_control=900 + k, group_control=900 + k,
                created=CREATED)
        out[f"{name}{suffix}.ta1.edi"] = write_ta1(ic, interchange_control=800 + k,
                                                   created=CREATED)
    return out


@pytest.mark.parametrize("name", NAMES)
def test_acknowledgements_match_golden_files(name):
    for file_name, text in acks(name).items():
        path = GOLDEN / file_name
        data = text.encode("latin-1")
        if REGENERATE:
            GOLDEN.mkdir(exist_ok=True)
            path.write_bytes(data)
        assert path.read_bytes() == data, file_name

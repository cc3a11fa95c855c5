"""Golden files: every sample under tests/samples/golden/ maps to exactly its `.json`.

Run `pytest tests/adapters --update-goldens` to rewrite the expected files on purpose, then
review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import edi
from adapters import MappingError, adapter_for

GOLDEN = Path(__file__).parents[1] / "samples" / "golden"
CASES = sorted(p for p in GOLDEN.rglob("*") if p.suffix in (".edi", ".xml"))


def map_file(path: Path) -> dict:
    parsed = edi.parse(path.read_bytes())
    out = []
    for message in parsed.messages:
        adapter = adapter_for(message)
        entry: dict = {"type": message.type, "control_number": message.control_number}
        if adapter is None:
            entry["unsupported"] = True
        else:
            try:
                mapped = adapter(message)
            except MappingError as exc:
                entry["error"] = exc.issue.as_dict()
            else:
                entry["documents"] = [d.model_dump(mode="json") for d in mapped.documents]
                entry["issues"] = [i.as_dict() for i in mapped.issues]
        entry["syntax_issues"] = [i.as_dict() for i in message.issues]
        out.append(entry)
    return {"standard": parsed.standard.value, "messages": out}


@pytest.mark.parametrize("case", CASES, ids=[str(p.relative_to(GOLDEN)) for p in CASES])
def test_sample_maps_to_its_golden_json(case: Path, update_goldens: bool) -> None:
    actual = map_file(case)
    expected_path = case.with_suffix(".json")
    if update_goldens or not expected_path.exists():
        expected_path.write_text(json.dumps(actual, indent=2, sort_keys=True) + "\n")
        if not update_goldens:
            pytest.fail(f"{expected_path.name} did not exist; written now, review it")
    assert actual == json.loads(expected_path.read_text())

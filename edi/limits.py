"""Configurable limits the readers enforce, so hostile input cannot exhaust the host."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    max_segments_per_interchange: int = 5_000_000
    max_segment_bytes: int = 1_000_000
    xml_max_bytes: int = 50_000_000
    xml_max_depth: int = 200

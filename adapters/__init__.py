"""Pure mappings from parsed messages to canonical documents, in one explicit registry.

An adapter is `map_message(message: edi.Message) -> adapters.common.Mapped`; it raises
`adapters.common.MappingError` (carrying a located issue) when the message cannot be mapped.
"""

from __future__ import annotations

from collections.abc import Callable

from adapters import x12_850
from adapters.common import Mapped, MappingError
from edi.model import Message, Standard

Adapter = Callable[[Message], Mapped]

REGISTRY: dict[tuple[Standard, str], Adapter] = {
    (Standard.X12, "850"): x12_850.map_message,
}


def adapter_for(message: Message) -> Adapter | None:
    return REGISTRY.get((message.standard, message.type))


__all__ = ["REGISTRY", "Adapter", "Mapped", "MappingError", "adapter_for"]

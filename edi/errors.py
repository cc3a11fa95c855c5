"""The one exception the EDI layer raises: the stream cannot be read on."""

from __future__ import annotations

from edi.model import Location


class UnreadableStream(Exception):
    """Raised only when input cannot be read at all (not EDI, no usable envelope, too large).

    Everything else is reported as `edi.model.Issue` values on the parsed result.
    `code` is a short machine name (`not-edi`, `empty`, `mixed-standards`, `bad-isa`, ...).
    """

    def __init__(self, code: str, message: str, location: Location | None = None) -> None:
        super().__init__(f"{message} ({(location or Location()).describe()})")
        self.code = code
        self.message = message
        self.location = location or Location()

"""Errors that carry their HTTP status; one handler renders them as RFC 9457 problem details.

Each class names the rule that was broken. `location` (an EDI location as a dict) and any
`extra` members are added to the problem document.
"""

from __future__ import annotations

from typing import Any


class HubError(Exception):
    status: int = 400
    code: str = "bad-request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        location: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.location = location
        self.extra = extra or {}
        self.headers = headers or {}

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://edihub.dev/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            body["instance"] = instance
        if self.location:
            body["location"] = self.location
        body.update(self.extra)
        return body


class MissingApiKey(HubError):
    status, code, title = 401, "unauthenticated", "API key required"


class InvalidApiKey(HubError):
    status, code, title = 401, "invalid-api-key", "API key not valid"


class ScopeDenied(HubError):
    status, code, title = 403, "forbidden", "Not allowed for this key's role"


class SenderNotUploader(HubError):
    status, code, title = 403, "sender-not-uploader", "Interchange sender is not the uploader"


class RateLimited(HubError):
    status, code, title = 429, "rate-limited", "Too many requests for this API key"


class NotFound(HubError):
    status, code, title = 404, "not-found", "Not found"


class EmptyUpload(HubError):
    status, code, title = 400, "empty-upload", "Empty upload"


class UploadTooLarge(HubError):
    status, code, title = 413, "upload-too-large", "Upload too large"


class UnreadableUpload(HubError):
    status, code, title = 422, "unreadable-input", "The upload cannot be read as EDI"


class InterchangeRejected(HubError):
    status, code, title = 422, "interchange-rejected", "Nothing in the upload was accepted"


class StoreUnavailable(HubError):
    status, code, title = 503, "store-unavailable", "The database is unavailable"


class InvalidParameter(HubError):
    status, code, title = 422, "invalid-parameter", "Invalid parameter"


class Conflict(HubError):
    status, code, title = 409, "conflict", "Conflict"


class IdempotencyKeyReused(HubError):
    status, code, title = 409, "idempotency-key-reused", "Idempotency-Key used for other content"


PROBLEM_JSON = "application/problem+json"


def problem_responses(*errors: type[HubError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the given error classes. A route that checks the API
    key (declares InvalidApiKey) is also rate limited: its 429 is declared here, once."""
    if InvalidApiKey in errors and RateLimited not in errors:
        errors = (*errors, RateLimited)
    out: dict[int | str, dict[str, Any]] = {}
    for err in errors:
        entry = out.setdefault(err.status, {"description": err.title,
                                            "content": {PROBLEM_JSON: {}}})
        if err.title not in entry["description"]:
            entry["description"] += f"; {err.title}"
        if err is RateLimited:
            entry["headers"] = {"Retry-After": {
                "description": "Whole seconds until the key may call again",
                "schema": {"type": "integer"}}}
    return out

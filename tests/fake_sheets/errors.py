"""Errors of the fake, in the body shape Google returns.

Every error the Sheets v4 API sends is ``{"error": {"code", "message", "status"}}`` (checked
against gspread's cassette ``ClientTest.test_access_non_existing_spreadsheet.json``: 404 /
"Requested entity was not found." / NOT_FOUND). gspread turns any non-2xx answer into
``gspread.exceptions.APIError`` and reads ``error["code"]``.
"""

from __future__ import annotations

from typing import Any

STATUS_BY_CODE = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

DEFAULT_MESSAGES = {
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    500: "Internal error encountered.",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
    504: "The service is currently unavailable.",
}


class SheetsError(Exception):
    """An API-level error; the router turns it into an HTTP response with Google's body."""

    def __init__(
        self,
        code: int,
        message: str | None = None,
        status: str | None = None,
        details: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.extra = extra
        self.message = message if message is not None else DEFAULT_MESSAGES.get(code, "Error")
        self.status = status or STATUS_BY_CODE.get(code, "UNKNOWN")
        self.details = details
        super().__init__(f"{code} {self.status}: {self.message}")

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        if self.extra:
            error.update(self.extra)
        return {"error": error}


def bad_request(message: str) -> SheetsError:
    return SheetsError(400, message, "INVALID_ARGUMENT")


def unparsable_range(text: str) -> SheetsError:
    """What Google answers for an unknown tab or a malformed A1 range."""
    return bad_request(f"Unable to parse range: {text}")


def quota_exceeded(kind: str) -> SheetsError:
    """429 as the Sheets API sends it when the per-minute quota of a user is used up."""
    metric = "Write requests" if kind == "write" else "Read requests"
    quota = metric.replace(" requests", "Requests")
    message = (
        f"Quota exceeded for quota metric '{metric}' and limit '{metric} per minute per user' "
        "of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'."
    )
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "service": "sheets.googleapis.com",
                "consumer": "projects/000000000000",
                "quota_metric": f"sheets.googleapis.com/{quota.lower()}",
                "quota_limit": f"{quota}PerMinutePerUser",
            },
        }
    ]
    return SheetsError(429, message, "RESOURCE_EXHAUSTED", details)


class FakeSheetsNetworkError(AssertionError):
    """A request left for a host (or an endpoint) the fake does not serve.

    Deliberately not a ``requests.RequestException``: retry loops that catch network errors
    must not swallow it — a test that reaches the real network is a broken test.
    """

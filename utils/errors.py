"""All of Sheetdesk's errors, under one base class.

Each error carries a catalogue key and parameters, so a page or the CLI can show it in the
user's language with `err.message(lang)`; `str(err)` is the English text.
"""

from __future__ import annotations

from typing import Any

from utils.i18n import t


class SheetdeskError(Exception):
    key = "error.generic"

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        return t(self.key, lang, **self.params)


class ConfigError(SheetdeskError):
    """The store is not configured correctly (missing credentials, bad path …)."""


class StoreError(SheetdeskError):
    """The spreadsheet could not be read or written."""


class BadWorkbookError(StoreError):
    key = "store.bad_workbook"


class RecordNotFound(StoreError):
    key = "store.not_found"


class InvalidRecord(SheetdeskError):
    """A record offered for saving failed validation; `problems` says where."""

    key = "store.invalid_record"

    def __init__(self, problems: list, /) -> None:  # list[Problem]
        self.problems = problems
        super().__init__(details="; ".join(p.message("en") for p in problems))

    def message(self, lang: str = "en") -> str:
        return t(self.key, lang, details="; ".join(p.message(lang) for p in self.problems))


class ConflictError(StoreError):
    """The row changed in the spreadsheet since it was read. `mine` is the version the user
    wanted to save, `theirs` the row as it is now in the sheet."""

    key = "store.conflict"

    def __init__(self, tab: str, record_id: str, mine: dict, theirs: dict) -> None:
        self.tab, self.record_id, self.mine, self.theirs = tab, record_id, mine, theirs
        super().__init__(
            tab=tab,
            record_id=record_id,
            theirs_by=theirs.get("updated_by") or "?",
            theirs_at=theirs.get("updated_at") or "?",
        )


class DuplicatePhone(SheetdeskError):
    """A new client's phone is already in the register. `matches` are those clients' records;
    the person decides whether to register anyway (`allow_duplicate_phone=True`)."""

    key = "clients.duplicate_phone"

    def __init__(self, phone: str, matches: list[dict]) -> None:
        self.phone, self.matches = phone, matches
        super().__init__(phone=phone, count=len(matches))


class WorkflowError(SheetdeskError):
    """A workflow rule refused an action (wrong state, missing reason, not allowed)."""


class NotifyError(SheetdeskError):
    """A reminder could not be delivered through a channel (utils/notify). `channel` is the
    channel's name, `detail` redacted text: never a webhook key, token, signing secret or
    password. Subclasses say whether trying again can help (`retryable`)."""

    key = "notify.error"
    retryable = False

    def __init__(
        self,
        key: str | None = None,
        /,
        *,
        channel: str,
        detail: str = "",
        retry_after: float | None = None,
        **params: Any,
    ) -> None:
        self.channel, self.detail, self.retry_after = channel, detail, retry_after
        super().__init__(key, channel=channel, detail=detail, **params)


class NotifyRejected(NotifyError):
    """The service refused the message (bad key or signature, 4xx): not retried."""

    key = "notify.rejected"


class NotifyUnavailable(NotifyError):
    """The service could not be reached or failed (timeout, refused connection, 5xx)."""

    key = "notify.unavailable"
    retryable = True


class NotifyRateLimited(NotifyUnavailable):
    """The service says we send too fast; `retry_after` is its wait in seconds, if known."""

    key = "notify.rate_limited"

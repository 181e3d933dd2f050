"""Follow-ups seen from the complaint: the revisit kind, how many unreached calls a round
allows, whose follow-up may close a complaint, and what the follow-ups since its latest
resolution say (`followup_summary`, vectorised over whole tabs)."""

from __future__ import annotations

import annotated_types
import numpy as np
import pandas as pd

from sheets_schema.models import Revisit
from utils.cells import as_datetime, clean_text, datetime_column
from utils.settings import Settings
from utils.workflow.people import same_person

FOLLOWUP = "complaint_followup"  # the revisit kind of a complaint follow-up


def _attempt_cap() -> int:
    """The highest attempt number the revisits tab accepts (the model's `le` bound)."""
    for meta in Revisit.model_fields["attempt"].metadata:
        if isinstance(meta, annotated_types.Le) and isinstance(meta.le, int):
            return meta.le
    return 3


ATTEMPT_CAP = _attempt_cap()


def attempt_limit(settings: Settings) -> int:
    """Unreached follow-up calls allowed per round (since the latest resolution):
    `settings.max_attempts`, never above what the revisits tab accepts (`ATTEMPT_CAP`). After
    that many a manager may close the complaint; another unreached call is refused."""
    return max(1, min(int(settings.max_attempts), ATTEMPT_CAP))


def is_independent(complaint: dict, staff: object, settings: Settings) -> bool:
    """May `staff`'s follow-up count for the complaint? The seeds have the revisit made by
    someone other than the person who dealt with it: not its handler, not its first receiver
    — unless the team is a one-person desk (`settings.followup_by_anyone`)."""
    if settings.followup_by_anyone:
        return True
    return not (
        same_person(staff, complaint.get("handler"))
        or same_person(staff, complaint.get("first_receiver"))
    )


def _ids(column: pd.Series) -> pd.Series:
    return column.fillna("").astype(str).str.strip()


def _ns(column: pd.Series) -> np.ndarray:
    """A date column as int64 nanoseconds (NaT = the smallest int64, so it loses every max)."""
    return pd.to_datetime(column).to_numpy(dtype="datetime64[ns]").view("int64")


def _last_per_group(codes: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Positions of the latest row (by `times`) of each group in `codes`."""
    order = np.lexsort((times, codes))
    ordered = codes[order]
    last = np.ones(len(ordered), dtype=bool)
    last[:-1] = ordered[1:] != ordered[:-1]
    return order[last]


def _people(complaints: pd.DataFrame, column: str, first: np.ndarray) -> np.ndarray:
    """A name column of the complaints (one per complaint kept), folded for comparing."""
    if column not in complaints.columns:
        return np.full(int(first.sum()), "", dtype=object)
    names = complaints[column].fillna("").astype(str).str.strip().str.casefold()
    return names.to_numpy(dtype=object)[first]


def followup_summary(
    complaints: pd.DataFrame, revisits: pd.DataFrame, *, independent: bool = False
) -> pd.DataFrame:
    """For each complaint (columns complaint_id, resolved_at; handler and first_receiver with
    `independent`) its follow-up revisits made since its latest resolution, to the minute (a
    follow-up the same minute counts, one a minute earlier does not — it was about an earlier
    resolution): `reached` (one reached the client), `closable` (the latest reached one says
    solved and not unsatisfied), `closing_revisit` (that revisit's ID), `attempts` (how many
    unreached follow-ups are recorded: a typed attempt number counts for nothing) and
    `last_attempt_at`. With `independent`, a reached follow-up made by the complaint's handler
    or first receiver is left out (`is_independent`). Indexed by complaint_id, one row per
    complaint given.

    Vectorised with numpy on integer codes of complaint_id (no per-row Python)."""
    ids = _ids(complaints["complaint_id"])
    first = ~ids.duplicated().to_numpy()
    index = pd.Index(ids.to_numpy()[first], name="complaint_id")
    since = _ns(pd.to_datetime(complaints["resolved_at"]).dt.floor("min"))[first]
    f = revisits.loc[(revisits["kind"] == FOLLOWUP).to_numpy()]
    code = index.get_indexer(_ids(f["complaint_id"]))
    done = _ns(pd.to_datetime(f["done_at"]).dt.floor("min"))
    start = since[np.where(code >= 0, code, 0)] if len(index) else np.zeros(len(code), "int64")
    nat = np.iinfo("int64").min
    keep = (code >= 0) & ((start == nat) | (done == nat) | (done >= start))
    reached = (f["reached"] == "yes").to_numpy()
    if independent and len(index):
        staff = f["staff"].fillna("").astype(str).str.strip().str.casefold().to_numpy(dtype=object)
        at = np.where(code >= 0, code, 0)
        own = (staff != "") & (
            (staff == _people(complaints, "handler", first)[at])
            | (staff == _people(complaints, "first_receiver", first)[at])
        )
        keep &= ~(reached & own)
    code, done, f, reached = code[keep], _ns(f["done_at"])[keep], f.loc[keep], reached[keep]
    size = len(index)
    # unreached attempts: how many, the last time
    un_code = code[~reached]
    last = np.full(size, nat, dtype="int64")
    np.maximum.at(last, un_code, done[~reached])
    # latest reached follow-up: closable when solved and not unsatisfied
    pick = np.flatnonzero(reached)[_last_per_group(code[reached], done[reached])]
    latest = f.iloc[pick]
    ok = ((latest["solved"] == "yes") & (latest["attitude"] != "unsatisfied")).to_numpy()
    out = pd.DataFrame(index=index)
    found = np.zeros(size, dtype=bool)
    found[code[pick]] = True
    out["reached"] = found
    closable = np.zeros(size, dtype=bool)
    closable[code[pick]] = ok
    out["closable"] = closable
    closing = np.full(size, "", dtype=object)
    closing[code[pick]] = np.where(ok, _ids(latest["revisit_id"]).to_numpy(dtype=object), "")
    out["closing_revisit"] = pd.Series(closing, index=index, dtype=str)
    out["attempts"] = np.bincount(un_code, minlength=size).astype("int64")
    out["last_attempt_at"] = pd.to_datetime(last.view("datetime64[ns]"))
    return out


def _followup_state(
    complaint: dict, revisits: pd.DataFrame, independent: bool = False
) -> pd.Series:
    one = pd.DataFrame(
        {
            "complaint_id": [clean_text(complaint.get("complaint_id"))],
            "resolved_at": datetime_column([as_datetime(complaint.get("resolved_at"))]),
            "handler": [clean_text(complaint.get("handler"))],
            "first_receiver": [clean_text(complaint.get("first_receiver"))],
        }
    )
    return followup_summary(one, revisits, independent=independent).iloc[0]


def followup_state(
    complaint: dict, revisits: pd.DataFrame, settings: Settings | None = None
) -> pd.Series:
    """`followup_summary` for one complaint; with `settings`, a reached follow-up counts only
    when it may close the complaint (`is_independent`)."""
    independent = settings is not None and not settings.followup_by_anyone
    return _followup_state(complaint, revisits, independent)


def followup_calls(complaint: dict, revisits: pd.DataFrame) -> int:
    """Unreached follow-up calls recorded for the complaint since its latest resolution."""
    return int(_followup_state(complaint, revisits)["attempts"])

"""The dashboard's selection: a period plus attribute filters (`Filters`), the rows matching it
(`apply_filters`), the choices offered for it (`filter_options`) and the tables offered for
download (`download_tables`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from sheets_schema import choices as ch
from sheets_schema.tables import TABLES
from utils.metrics.periods import Period
from utils.metrics.prepare import client_grade, conform, owner_of
from utils.workflow import FOLLOWUP


@dataclass(frozen=True)
class Filters:
    """The dashboard's selection. Empty tuples mean "all"."""

    start: pd.Timestamp
    end: pd.Timestamp
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    handlers: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    @classmethod
    def for_period(cls, period: Period, **selection: Iterable[str]) -> Filters:
        return cls(period.start, period.end, **{k: tuple(v) for k, v in selection.items()})

    @property
    def complaint_attrs(self) -> bool:
        return bool(self.categories or self.channels or self.severities)


@dataclass
class Filtered:
    clients: pd.DataFrame
    complaints: pd.DataFrame
    revisits: pd.DataFrame


def apply_filters(
    clients: pd.DataFrame | None,
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    filters: Filters,
) -> Filtered:
    """Keep the rows matching the attribute filters (not the period: open/overdue and the
    previous period need rows outside it; the figure functions apply the period).

    - complaints: category, channel, severity, owner in handlers, client's grade in grades;
    - revisits: with category/channel/severity set, only follow-ups of matching complaints;
      staff in handlers; client's grade in grades;
    - clients: grade in grades.
    """
    cl = conform(clients, "clients")
    co = conform(complaints, "complaints")
    rv = conform(revisits, "revisits")
    f = filters
    if f.grades:
        cl = cl[cl["grade"].isin(f.grades)]
    mask = pd.Series(True, index=co.index)
    if f.categories:
        mask &= co["category"].isin(f.categories)
    if f.channels:
        mask &= co["channel"].isin(f.channels)
    if f.severities:
        mask &= co["severity"].isin(f.severities)
    if f.handlers:
        mask &= owner_of(co).isin(f.handlers)
    if f.grades:
        mask &= client_grade(co["client_id"], cl).isin(f.grades)
    co = co[mask]
    rmask = pd.Series(True, index=rv.index)
    if f.complaint_attrs:
        kept = co["complaint_id"]
        rmask &= (rv["kind"] == FOLLOWUP) & rv["complaint_id"].isin(kept)
    if f.handlers:
        rmask &= rv["staff"].isin(f.handlers)
    if f.grades:
        rmask &= client_grade(rv["client_id"], cl).isin(f.grades)
    return Filtered(cl, co, rv[rmask])


def filter_options(
    clients: pd.DataFrame | None, complaints: pd.DataFrame | None, revisits: pd.DataFrame | None
) -> dict[str, list[str]]:
    """Choices for the filter widgets: the choice values of each field plus the people who own
    complaints or made revisits (sorted)."""
    co = conform(complaints, "complaints")
    rv = conform(revisits, "revisits")
    people = set(owner_of(co)) | set(rv["staff"].astype(str).str.strip())
    people.discard("")
    return {
        "categories": list(ch.CATEGORY.values),
        "channels": list(ch.CHANNEL.values),
        "severities": list(ch.SEVERITY.values),
        "handlers": sorted(people),
        "grades": list(ch.GRADE.values),
    }


def download_tables(
    clients: pd.DataFrame | None,
    complaints: pd.DataFrame | None,
    revisits: pd.DataFrame | None,
    filters: Filters,
) -> Filtered:
    """The filtered tables for download: complaints received and revisits done in the period,
    clients matching the grade filter; columns in the schema's order, without `_row`."""
    f = apply_filters(clients, complaints, revisits, filters)
    p = filters.period

    def cols(tab: str) -> list[str]:
        return [c.field for c in TABLES[tab].columns]

    return Filtered(
        f.clients[cols("clients")].reset_index(drop=True),
        f.complaints.loc[p.contains(f.complaints["received_at"]), cols("complaints")].reset_index(
            drop=True
        ),
        f.revisits.loc[p.contains(f.revisits["done_at"]), cols("revisits")].reset_index(drop=True),
    )

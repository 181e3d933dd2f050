"""Complaint log (投诉记录): the lists (open, overdue, mine, all) with filters, overdue rows
standing out; the log form (`ui_intake`: pick a client or register one on the spot; the logger
is the first receiver; due date from severity in working days); and a complaint's page
(`?id=TS-…`) with its details, progress log, follow-ups and the actions its state allows
(`ui_actions`)."""

import streamlit as st

from sheets_schema import choices as ch
from utils import operations as ops
from utils import ui, views
from utils import ui_fields as fields
from utils import ui_forms as uf
from utils import workflow as wf
from utils.display import labelled, md
from utils.queues import followup_attempts
from utils.search import COMPLAINT_VIEWS, complaint_list
from utils.timeline import log_table
from utils.ui_actions import actions_panel, details_form
from utils.ui_intake import log_form

TAB = "complaints"
MAX_ROWS = 300

who, store, settings, lang, snap = uf.open_staff_page()


def labels(choices: ch.Choices):
    return lambda value: choices.label(value, lang)


# --- the lists ------------------------------------------------------------------------------


def filters() -> dict:
    with st.expander(ui.tr("complaints.filters"), icon=":material/search:"):
        a, b, c = st.columns(3)
        every = ui.tr("list.all")
        out = {
            "statuses": a.multiselect(
                ui.tr("complaints.f.status"),
                ch.COMPLAINT_STATUS.values,
                format_func=labels(ch.COMPLAINT_STATUS),
                key="cf_status",
                placeholder=every,
            ),
            "categories": b.multiselect(
                ui.tr("complaints.f.category"),
                ch.CATEGORY.values,
                format_func=labels(ch.CATEGORY),
                key="cf_category",
                placeholder=every,
            ),
            "severities": c.multiselect(
                ui.tr("complaints.f.severity"),
                ch.SEVERITY.values,
                format_func=labels(ch.SEVERITY),
                key="cf_severity",
                placeholder=every,
            ),
        }
        d, e, f = st.columns(3)
        out["handlers"] = d.multiselect(
            ui.tr("complaints.f.handler"),
            ["", *uf.people(snap)],
            key="cf_handler",
            format_func=lambda name: name or ui.tr("complaints.unassigned"),
            placeholder=ui.tr("list.anyone"),
        )
        period = e.date_input(
            ui.tr("complaints.f.period"), value=(), key="cf_period", format="YYYY-MM-DD"
        )
        period = tuple(period) if isinstance(period, tuple | list) else (period,)
        out["start"] = period[0] if period else None
        out["end"] = period[1] if len(period) > 1 else None
        out["text"] = f.text_input(
            ui.tr("complaints.f.text"), key="cf_text", placeholder=ui.tr("complaints.f.text_hint")
        )
    return out


def complaint_table() -> None:
    view = (
        st.segmented_control(
            ui.tr("complaints.view"),
            COMPLAINT_VIEWS,
            default="open",
            key="complaints_view",
            format_func=lambda v: ui.tr(f"complaints.view.{v}"),
            label_visibility="collapsed",
        )
        or "open"
    )
    chosen = filters()
    found = complaint_list(
        snap.complaints, view=view, actor=who.name, now=ops.now(), settings=settings, **chosen
    )
    shown = found.head(MAX_ROWS)
    uf.count_caption(len(shown), len(found))
    overdue_count = int(found["overdue"].sum())
    if overdue_count and view != "overdue":
        st.caption(ui.tr("complaints.overdue_in_list", count=overdue_count))
    if shown.empty:
        return
    picked = uf.pick_row(
        views.complaint_rows(
            shown,
            uf.client_names(snap),
            lang,
            key_clients=uf.memo(snap, "key_clients", lambda: views.key_client_ids(snap.clients)),
        ),
        shown["complaint_id"].tolist(),
        key="complaints_table",
        tint=shown["overdue"].to_numpy(dtype=bool),
        height=min(38 + 35 * len(shown), 600),
    )
    if picked:
        uf.open_record(picked)
    st.caption(ui.tr("list.click_to_open"))


# --- one complaint --------------------------------------------------------------------------


def client_link(complaint: dict) -> None:
    client_id = complaint.get("client_id") or ""
    client = snap.record("clients", client_id) if client_id else None
    if client is not None:
        st.page_link(
            "pages/clients.py",
            query_params={"id": client_id},
            icon=":material/person:",
            label=md(f"{client['name']} · {client_id}"),
        )
    elif client_id:
        st.caption(ui.tr("complaints.unknown_client", client_id=client_id))


def followup_note(complaint: dict) -> None:
    """A resolved complaint waits for a follow-up: attempts so far and the link to record one."""
    rid = complaint["complaint_id"]
    st.divider()
    attempts = followup_attempts(rid, snap.revisits, wf.as_datetime(complaint.get("resolved_at")))
    st.markdown(ui.tr("complaints.followup_state", attempts=attempts, max=settings.max_attempts))
    st.page_link(
        "pages/revisits.py",
        query_params={"complaint": rid},
        icon=":material/call:",
        label=ui.tr("complaints.record_followup"),
    )


def complaint_page(rid: str) -> None:
    uf.back_button("complaints.back", "id", key="complaints_back")
    complaint = snap.record(TAB, rid)
    if complaint is None:
        st.warning(ui.tr("complaints.not_found", record_id=rid), icon=":material/search_off:")
        st.page_link(
            "pages/health.py", label=ui.tr("list.see_health"), icon=":material/health_and_safety:"
        )
        return
    basis = uf.seen_version(TAB, complaint)
    st.title(md(rid))
    client = snap.record("clients", complaint.get("client_id") or "") or {}
    grade = str(client.get("grade") or "")
    st.markdown(views.complaint_badges(complaint, settings, ops.now(), lang, grade=grade))
    client_link(complaint)
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown(f"> {md(complaint.get('description') or '')}")
        fields.details(TAB, complaint, views.COMPLAINT_DETAIL_FIELDS)
        if wf.may_edit(complaint, who.role, who.name):
            with st.expander(ui.tr("complaints.edit_details"), icon=":material/edit:"):
                details_form(complaint, who=who, store=store, settings=settings)
    with right:
        st.subheader(ui.tr("complaints.actions"))
        actions_panel(complaint, basis, who=who, store=store, settings=settings, snap=snap)
        if wf.status_of(complaint) == "resolved":
            followup_note(complaint)
    st.subheader(ui.tr("complaints.log"))
    log = log_table(complaint.get("progress_log"), lang)
    if log.empty:
        st.caption(ui.tr("complaints.log_empty"))
    else:
        uf.table(log)
    visits = snap.revisits.loc[snap.revisits["complaint_id"] == rid]
    if len(visits):
        st.subheader(ui.tr("complaints.revisits"))
        visits = visits.sort_values("done_at")
        uf.table(labelled("revisits", visits, lang, views.COMPLAINT_REVISIT_COLUMNS))
    uf.history_section(snap, TAB, rid)


current = uf.current_id()
if current:
    uf.show_flash()
    complaint_page(current)
else:
    st.title(ui.tr("complaints.title"))
    uf.show_flash()
    wants_log = bool(uf.current_id("new") or uf.current_id("client"))
    tab_list, tab_log = st.tabs(
        [ui.tr("complaints.tab.list"), ui.tr("complaints.tab.log")],
        key="complaints_mode",
        on_change="rerun",
        default=ui.tr("complaints.tab.log") if wants_log else None,
    )
    if tab_list.open:
        with tab_list:
            complaint_table()
    if tab_log.open:
        with tab_log:
            log_form(who=who, store=store, settings=settings, snap=snap)

"""Client register (客户档案): search and filter; register a client (warns when the phone is
already in the register, with links to those clients); a client's page (`?id=KH-…`) with
details, an edit form and the client's complaints and revisits on one timeline. For staff, the
phone and address of other staff's clients are masked."""

import streamlit as st

from sheets_schema import choices as ch
from utils import operations as ops
from utils import ui, views
from utils import ui_fields as fields
from utils import ui_forms as uf
from utils.access import mask_contacts, mask_record, may_edit_client, may_see_contact
from utils.display import labelled, md
from utils.search import find_by_phone, search_clients, staff_names
from utils.timeline import client_summary, client_timeline, timeline_table
from utils.ui_client_forms import PENDING_KEY, add_form, edit_form

TAB = "clients"
MAX_ROWS = 300

who, store, settings, lang, snap = uf.open_staff_page()


def label_of(choices: ch.Choices):
    return lambda value: choices.label(value, lang)


def client_list() -> None:
    owners = uf.memo(snap, "client_owners", lambda: staff_names({TAB: snap.clients}))
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
    text = c1.text_input(
        ui.tr("clients.search"), placeholder=ui.tr("clients.search_hint"), key="clients_q"
    )
    grades = c2.multiselect(
        ui.tr("clients.filter.grade"),
        ch.GRADE.values,
        format_func=label_of(ch.GRADE),
        key="clients_grades",
        placeholder=ui.tr("list.all"),
    )
    statuses = c3.multiselect(
        ui.tr("clients.filter.status"),
        ch.CLIENT_STATUS.values,
        format_func=label_of(ch.CLIENT_STATUS),
        key="clients_statuses",
        placeholder=ui.tr("list.all"),
    )
    chosen = c4.multiselect(
        ui.tr("clients.filter.owner"),
        owners,
        default=None,
        key="clients_owners",
        placeholder=ui.tr("list.anyone"),
    )
    found = search_clients(snap.clients, text, grades=grades, statuses=statuses, owners=chosen)
    shown = mask_contacts(found.head(MAX_ROWS), who.name, who.role)
    uf.count_caption(len(shown), len(found))
    if not who.is_manager:
        st.caption(ui.tr("clients.masked_note"))
    if shown.empty:
        return
    picked = uf.pick_row(
        labelled(TAB, shown, lang, views.CLIENT_LIST_COLUMNS),
        shown["client_id"].tolist(),
        key="clients_table",
        height=min(38 + 35 * len(shown), 560),
    )
    if picked:
        uf.open_record(picked)
    st.caption(ui.tr("list.click_to_open"))


def client_page(rid: str) -> None:
    uf.back_button("clients.back", "id", key="clients_back")
    client = snap.record(TAB, rid)
    if client is None:
        st.warning(ui.tr("clients.not_found", record_id=rid), icon=":material/search_off:")
        st.page_link(
            "pages/health.py", label=ui.tr("list.see_health"), icon=":material/health_and_safety:"
        )
        return
    shown = mask_record(client, who.name, who.role)
    st.title(md(client["name"]))
    st.markdown(views.client_badges(client, lang))
    summary = uf.memo(
        snap,
        f"client_summary:{rid}",
        lambda: client_summary(rid, snap.complaints, snap.revisits, ops.now(), settings),
    )
    m = st.columns(5)
    m[0].metric(ui.tr("clients.m.complaints"), summary["complaints"])
    m[1].metric(ui.tr("clients.m.open"), summary["open"])
    m[2].metric(ui.tr("clients.m.overdue"), summary["overdue"])
    m[3].metric(ui.tr("clients.m.revisits"), summary["revisits"])
    m[4].metric(ui.tr("clients.m.avg_score"), summary["avg_score"] or "—")
    last = summary["last_reached"]
    st.caption(
        ui.tr("clients.last_reached", date=f"{last:%Y-%m-%d}")
        if last
        else ui.tr("clients.never_reached")
    )
    links = st.columns(3)
    links[0].page_link(
        "pages/complaints.py",
        query_params={"client": rid, "new": "1"},
        label=ui.tr("clients.log_complaint"),
        icon=":material/report:",
    )
    links[1].page_link(
        "pages/revisits.py",
        query_params={"client": rid},
        label=ui.tr("clients.record_revisit"),
        icon=":material/call:",
    )
    others = find_by_phone(snap.clients, client.get("phone"), exclude_id=rid)
    if len(others):
        st.info(ui.tr("clients.shares_phone", count=len(others)), icon=":material/call:")
        for other in others.head(10).to_dict("records"):
            st.page_link(
                "pages/clients.py",
                query_params={"id": other["client_id"]},
                label=md(f"{other['name']} · {other['client_id']}"),
                icon=":material/person:",
            )
    st.subheader(ui.tr("clients.details"))
    fields.details(TAB, shown, views.CLIENT_DETAIL_FIELDS, columns=4)
    if not may_see_contact(client.get("owner"), who.name, who.role):
        st.caption(ui.tr("clients.masked_note"))
    st.subheader(ui.tr("clients.timeline"))
    events = client_timeline(rid, snap.complaints, snap.revisits)
    if events.empty:
        st.caption(ui.tr("clients.no_history"))
    else:
        table = timeline_table(events, lang)
        targets = events["complaint_id"].tolist()  # a revisit opens its complaint
        picked = uf.pick_row(table, targets, key=f"timeline_{rid}")
        st.caption(ui.tr("clients.timeline_hint"))
        if picked:
            st.switch_page("pages/complaints.py", query_params={"id": picked})
    uf.history_section(
        snap, TAB, rid, masked=not may_see_contact(client.get("owner"), who.name, who.role)
    )
    st.divider()
    if may_edit_client(client, who.name, who.role):
        with st.expander(ui.tr("clients.edit"), icon=":material/edit:"):
            edit_form(client, who=who, store=store)
    else:
        st.caption(ui.tr("clients.edit_not_allowed", owner=client.get("owner") or "—"))


current = uf.current_id()
if current:
    uf.show_flash()
    client_page(current)
else:
    st.title(ui.tr("clients.title"))
    uf.show_flash()
    default = ui.tr("clients.tab.add") if st.session_state.get(PENDING_KEY) else None
    tab_list, tab_add = st.tabs(
        [ui.tr("clients.tab.list"), ui.tr("clients.tab.add")],
        key="clients_mode",
        on_change="rerun",
        default=default,
    )
    if tab_list.open:
        with tab_list:
            client_list()
    if tab_add.open:
        with tab_add:
            add_form(who=who, store=store)

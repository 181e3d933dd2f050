"""Who may act on a complaint: names compared as people type them, managers and admins, the
staff who first received or handle it, and the person it is about (who may not)."""

from __future__ import annotations

from utils.cells import clean_text

MANAGER_ROLES = frozenset({"manager", "admin"})


def same_person(a: object, b: object) -> bool:
    """Names compared the way people type them: case and surrounding spaces ignored."""
    a, b = clean_text(a).casefold(), clean_text(b).casefold()
    return bool(a) and a == b


def is_manager(role: str) -> bool:
    return clean_text(role).casefold() in MANAGER_ROLES


def may_edit(complaint: dict, role: str, actor: str) -> bool:
    """Managers and admins act on any complaint; staff on those they first-received or handle."""
    if is_manager(role):
        return True
    return same_person(actor, complaint.get("first_receiver")) or same_person(
        actor, complaint.get("handler")
    )


def is_about(complaint: dict, actor: str) -> bool:
    """Is `actor` the person the complaint is about (被投诉人员)? They may neither handle it nor
    decide on it, whatever their role."""
    return same_person(actor, complaint.get("responsible_staff"))

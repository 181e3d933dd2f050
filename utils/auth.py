"""Who is acting: the one place that knows the signed-in person and their role.

Until sign-in exists, the person types their name once per session (the sidebar), and the role
comes from configuration: `SHEETDESK_ROLES="周主任=manager,小王=staff,管理员=admin"` or the
`[sheetdesk.roles]` table in secrets. With no roles configured, everyone is a manager (a small
team that trusts itself); once roles are configured, unlisted names are staff. Pure: the caller
passes the session mapping and the configuration in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

ROLES = ("staff", "manager", "admin")
SESSION_KEY = "sheetdesk_user"


@dataclass(frozen=True)
class User:
    name: str
    role: str = "staff"

    @property
    def is_manager(self) -> bool:
        return self.role in ("manager", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def role_map(secrets_roles: Mapping[str, str] | None = None) -> dict[str, str]:
    roles = {str(k).strip(): str(v).strip() for k, v in (secrets_roles or {}).items()}
    for part in os.environ.get("SHEETDESK_ROLES", "").split(","):
        if "=" in part:
            name, role = part.split("=", 1)
            roles[name.strip()] = role.strip()
    return {k: v for k, v in roles.items() if v in ROLES}


def role_for(name: str, roles: Mapping[str, str]) -> str:
    if not roles:
        return "manager"
    return roles.get(name, "staff")


def sign_in(session: MutableMapping, name: str, roles: Mapping[str, str]) -> User | None:
    name = " ".join(name.split())
    if not name:
        return None
    user = User(name, role_for(name, roles))
    session[SESSION_KEY] = user
    return user


def sign_out(session: MutableMapping) -> None:
    session.pop(SESSION_KEY, None)


def current_user(session: Mapping) -> User | None:
    user = session.get(SESSION_KEY)
    return user if isinstance(user, User) else None

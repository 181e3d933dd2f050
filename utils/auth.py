"""Who is acting, proven: accounts with password hashes, OpenID Connect, or the open mode.

Pure (no streamlit, no store): the Streamlit glue (`utils.ui_auth`) passes the configuration,
the clock and what the browser sent, and keeps the results in the session.

- **Accounts** (`[sheetdesk.accounts]` in secrets): per login, a display name, a role and an
  argon2 password hash (`python -m utils.cli hash-password`). Never a plain password.
- **OpenID Connect** (Streamlit's `st.login`, when `[auth]` is configured): the e-mail address
  the provider vouches for is mapped to a role by `[sheetdesk.roles]` — a whole address, or a
  domain as `"@example.com"` — and a person with no role gets no access.
- **Open mode**: nothing configured and the local workbook: one person, admin, on this computer.
  A Google Sheet is shared data: without sign-in it is refused unless `allow_open = true` is
  set on purpose.

Repeated failures are slowed down, then locked out for a while (`Throttle`), per account and
per browser; sessions end after an idle time (`Sessions`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = ("staff", "manager", "admin")
SESSION_KEY = "sheetdesk_user"
OPEN_NAME = "admin"

_HASHER = PasswordHasher()
# verified against when the login is unknown, so an unknown login costs as long as a wrong
# password and the answer time tells nothing
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class User:
    name: str  # shown on the page and stamped on what they save
    role: str = "staff"
    login: str = ""  # the account's key, or the e-mail address for OIDC
    via: str = ""  # "password", "oidc" or "open"

    @property
    def is_manager(self) -> bool:
        return self.role in ("manager", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Account:
    login: str
    name: str
    role: str
    password_hash: str


@dataclass(frozen=True)
class AuthConfig:
    accounts: Mapping[str, Account] = field(default_factory=dict)
    roles: Mapping[str, str] = field(default_factory=dict)  # e-mail or "@domain" → role
    oidc: bool = False  # [auth] is configured for st.login
    allow_open: bool = False
    idle_minutes: float = 480.0
    contact: str = ""  # whom to ask for access, shown to people without a role
    free_tries: int = 3  # wrong passwords before each further try is slowed down
    max_tries: int = 6  # wrong passwords before signing in is paused
    lock_minutes: float = 15.0

    def mode(self, store_kind: str) -> str:
        """ "accounts", "oidc", "open", or "closed" (shared data, nothing configured)."""
        if self.oidc:
            return "oidc"
        if self.accounts:
            return "accounts"
        if store_kind == "local" or self.allow_open:
            return "open"
        return "closed"


class AuthConfigError(ValueError):
    """A bad `[sheetdesk.accounts]` entry; the message names it (never its hash)."""


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def load_auth(sheetdesk: Mapping | None, *, oidc: bool = False) -> AuthConfig:
    """The sign-in configuration from the `[sheetdesk]` table of secrets (and the environment:
    SHEETDESK_ALLOW_OPEN=1, SHEETDESK_IDLE_MINUTES)."""
    table = dict(sheetdesk or {})
    accounts = {}
    for login, entry in dict(table.get("accounts") or {}).items():
        entry = dict(entry) if isinstance(entry, Mapping) else {}
        role = str(entry.get("role", "staff")).strip()
        digest = str(entry.get("password_hash", "")).strip()
        if role not in ROLES:
            raise AuthConfigError(f"[sheetdesk.accounts.{login}] role must be one of {ROLES}")
        if not digest.startswith("$argon2"):
            raise AuthConfigError(
                f"[sheetdesk.accounts.{login}] password_hash must be made by "
                "`python -m utils.cli hash-password` (an argon2 hash)"
            )
        name = " ".join(str(entry.get("name") or login).split())
        accounts[str(login).strip().casefold()] = Account(str(login), name, role, digest)
    roles = {
        str(k).strip().casefold(): str(v).strip()
        for k, v in dict(table.get("roles") or {}).items()
        if str(v).strip() in ROLES
    }
    idle = float(os.environ.get("SHEETDESK_IDLE_MINUTES") or table.get("idle_minutes") or 480)
    return AuthConfig(
        accounts=accounts,
        roles=roles,
        oidc=oidc,
        allow_open=_truthy(os.environ.get("SHEETDESK_ALLOW_OPEN", table.get("allow_open", ""))),
        idle_minutes=idle,
        contact=str(table.get("contact") or ""),
        free_tries=int(table.get("free_tries", 3)),
        max_tries=int(table.get("max_tries", 6)),
        lock_minutes=float(table.get("lock_minutes", 15)),
    )


def check_password(config: AuthConfig, login: str, password: str) -> User | None:
    """The account's user when `password` is right; None otherwise (an unknown login takes as
    long as a wrong password)."""
    account = config.accounts.get(" ".join(login.split()).casefold())
    try:
        _HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if account is None:
        return None
    return User(account.name, account.role, account.login, "password")


def role_for_email(config: AuthConfig, email: str) -> str | None:
    """The role `[sheetdesk.roles]` gives an address: the address itself, else its domain."""
    email = email.strip().casefold()
    if not email or "@" not in email:
        return None
    return config.roles.get(email) or config.roles.get("@" + email.rpartition("@")[2])


def oidc_user(config: AuthConfig, email: str, name: str = "") -> User | None:
    role = role_for_email(config, email)
    if role is None:
        return None
    shown = " ".join(str(name or "").split()) or email.partition("@")[0]
    return User(shown, role, email.strip().casefold(), "oidc")


def open_user() -> User:
    return User(OPEN_NAME, "admin", OPEN_NAME, "open")


# --- slowing down guessing ------------------------------------------------------------------


@dataclass
class Throttle:
    """Failed sign-ins per key (an account, a browser): after `free` failures each further try
    waits longer (`delay`, doubling); after `limit` failures the key is locked for
    `lock_seconds`. Process-wide, so a page reload does not reset it."""

    free: int = 3
    limit: int = 6
    delay: float = 1.0
    lock_seconds: float = 900.0
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, keys: Iterable[str], now: float) -> tuple[float, float]:
        """(seconds to wait before this try, seconds the keys stay locked — 0 when not)."""
        with self._lock:
            wait = locked = 0.0
            for key in keys:
                recent = self._recent(key, now)
                if len(recent) >= self.limit:
                    locked = max(locked, recent[-1] + self.lock_seconds - now)
                elif len(recent) >= self.free:
                    wait = max(wait, self.delay * 2 ** (len(recent) - self.free))
            return wait, locked

    def failed(self, keys: Iterable[str], now: float) -> None:
        with self._lock:
            for key in keys:
                self._failures[key] = [*self._recent(key, now), now]

    def succeeded(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> list[float]:
        return [t for t in self._failures.get(key, []) if now - t < self.lock_seconds]


# --- sessions that survive a reload -------------------------------------------------------------


@dataclass
class Sessions:
    """Signed-in sessions by an opaque token (the browser keeps it in a cookie): who, and when
    they were last seen. A session unused for the idle time ends. Only a hash of the token is
    kept, so a copy of this registry signs nobody in."""

    _by_hash: dict[str, tuple[User, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def _digest(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    def start(self, user: User, now: float) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._by_hash[self._digest(token)] = (user, now)
        return token

    def resume(self, token: str, now: float, idle_seconds: float) -> User | None:
        """The session's user, and its idle clock restarted; None when unknown or expired."""
        if not token:
            return None
        key = self._digest(token)
        with self._lock:
            found = self._by_hash.get(key)
            if found is None:
                return None
            user, seen = found
            if now - seen > idle_seconds:
                del self._by_hash[key]
                return None
            self._by_hash[key] = (user, now)
            return user

    def end(self, token: str) -> None:
        with self._lock:
            self._by_hash.pop(self._digest(token), None)

    def end_all(self, login: str) -> None:
        with self._lock:
            for key, (user, _) in list(self._by_hash.items()):
                if hmac.compare_digest(user.login.casefold(), login.casefold()):
                    del self._by_hash[key]


def current_user(session: Mapping) -> User | None:
    user = session.get(SESSION_KEY)
    return user if isinstance(user, User) else None

"""E-mail over SMTP (RFC 5321) with `smtplib`, as Python's documentation describes it.

- security "starttls" (port 587, RFC 3207): plain connection upgraded with STARTTLS before any
  login; "ssl" (port 465, implicit TLS, RFC 8314); "none" (a relay on this computer or the
  local network, e.g. port 25). Certificates are verified with the system's CAs, or `cafile`.
- login (AUTH, RFC 4954) only if a user is configured; a password is never sent without TLS
  except to a relay on this computer.
- the message is an `email.message.EmailMessage` (RFC 5322/MIME): UTF-8 subject (RFC 2047
  encoded by the email package), a text/plain part and a text/html alternative in which every
  piece of message text is escaped with `html.escape`; non-ASCII parts go base64, so relays
  without 8BITMIME carry Chinese intact.
- recipients: the message's e-mail addresses (its own plus its mentioned people's) and the
  channel's `to`, without repeats; with none the channel raises nothing and sends nothing
  (`send` returns False).

SMTP replies: 4xx are transient (retried), 5xx permanent (not retried); an authentication
failure or an untrusted certificate is a configuration problem (not retried).
"""

from __future__ import annotations

import html
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from utils.errors import NotifyRejected, NotifyUnavailable
from utils.notify.base import Channel
from utils.notify.message import Message

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORT = {"starttls": 587, "ssl": 465, "none": 25}


def _encoding(text: str) -> str:
    return "7bit" if text.isascii() else "base64"


def render_html(message: Message) -> str:
    """The HTML part. Every value from the message goes through `html.escape`."""
    esc = html.escape
    lines = "<br>\n".join(esc(line) for line in message.body.strip().split("\n"))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(message.lang)}"><head><meta charset="utf-8">'
        f"<title>{esc(message.title)}</title></head>",
        '<body style="font-family: sans-serif; line-height: 1.5">',
        f"<h2>{esc(message.title)}</h2>",
    ]
    if lines:
        parts.append(f"<p>{lines}</p>")
    link = message.safe_link
    if link:
        parts.append(f'<p><a href="{esc(link, quote=True)}">{esc(message.link_label)}</a></p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render_text(message: Message) -> str:
    parts = [message.title.strip(), "", message.body.strip()]
    link = message.safe_link
    if link:
        parts += ["", f"{message.link_label}: {link}"]
    return "\n".join(parts).strip() + "\n"


class EmailChannel(Channel):
    kind = "email"
    rate_limits = ()

    def __init__(
        self,
        host: str,
        *,
        port: int | None = None,
        security: str = "starttls",
        user: str | None = None,
        password: str | None = None,
        sender: str,
        to: Iterable[str] = (),
        timeout: float = 15.0,
        ssl_context: ssl.SSLContext | None = None,
        cafile: str | None = None,
        local_hostname: str | None = None,
        smtp_factory: Callable[..., smtplib.SMTP] | None = None,
        name: str | None = None,
        rate_limits=None,
    ) -> None:
        super().__init__(name=name, rate_limits=rate_limits)
        if security not in SECURITY:
            raise ValueError(f"security must be one of {SECURITY}")
        self.host, self.security = host, security
        self.port = int(port or DEFAULT_PORT[security])
        self.user, self.password = user or None, password or None
        self.sender = sender
        self.to = tuple(a.strip() for a in to if a and a.strip())
        self.timeout = timeout
        self._ssl_context = ssl_context
        self.cafile = cafile
        self.local_hostname = local_hostname
        self.smtp_factory = smtp_factory

    @property
    def rate_key(self) -> str:
        return f"email:{self.host}:{self.port}:{self.user or ''}"

    def _secrets(self) -> tuple[str, ...]:
        return (self.password,) if self.password else ()

    def __repr__(self) -> str:
        return f"<EmailChannel {self.name!r} {self.security}://{self.host}:{self.port}>"

    @property
    def envelope_sender(self) -> str:
        """The bare address of `sender` ("客服部 <desk@example.cn>" → "desk@example.cn")."""
        return parseaddr(self.sender)[1] or self.sender

    @property
    def ssl_context(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context(cafile=self.cafile)
        return self._ssl_context

    def recipients(self, message: Message) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for address in (*message.all_emails(), *self.to):
            seen.setdefault(address.lower(), address)
        return tuple(seen.values())

    def build(self, message: Message, recipients: Iterable[str]) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = " ".join(message.title.split())  # no header injection by newlines
        mail["From"] = self.sender
        mail["To"] = ", ".join(recipients)
        mail["Date"] = formatdate(localtime=True)
        domain = self.envelope_sender.rpartition("@")[2] or None
        mail["Message-ID"] = make_msgid(domain=domain)
        if message.key:
            mail["X-Sheetdesk-Key"] = " ".join(message.key.split())
        plain = render_text(message)
        mail.set_content(plain, charset="utf-8", cte=_encoding(plain))
        page = render_html(message)
        mail.add_alternative(page, subtype="html", charset="utf-8", cte=_encoding(page))
        return mail

    def _connect(self) -> smtplib.SMTP:
        if self.smtp_factory is not None:
            return self.smtp_factory(self)
        if self.security == "ssl":
            return smtplib.SMTP_SSL(
                self.host,
                self.port,
                local_hostname=self.local_hostname,
                timeout=self.timeout,
                context=self.ssl_context,
            )
        smtp = smtplib.SMTP(
            self.host, self.port, local_hostname=self.local_hostname, timeout=self.timeout
        )
        if self.security == "starttls":
            smtp.ehlo()
            smtp.starttls(context=self.ssl_context)
            smtp.ehlo()
        return smtp

    def send(self, message: Message) -> bool:
        """Deliver `message`; False if it has no recipient for this channel (nothing sent)."""
        recipients = self.recipients(message)
        if not recipients:
            return False
        mail = self.build(message, recipients)
        error: Exception | None = None
        smtp = None
        try:
            smtp = self._connect()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(mail, from_addr=self.envelope_sender, to_addrs=list(recipients))
        except Exception as exc:  # noqa: BLE001 - mapped below, outside this block
            error = exc
        finally:
            if smtp is not None:
                try:
                    smtp.quit()
                except Exception:  # noqa: BLE001 - the message is already sent or failed
                    smtp.close()
        if error is not None:
            raise self._map(error)
        return True

    def _map(self, exc: Exception) -> Exception:
        name, detail = self.name, self.redact(_describe(exc))
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return NotifyRejected(channel=name, detail="login refused: " + detail)
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return NotifyRejected(channel=name, detail=detail)
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _ in exc.recipients.values()]
            transient = codes and all(400 <= c < 500 for c in codes)
            cls = NotifyUnavailable if transient else NotifyRejected
            return cls(channel=name, detail=f"recipients refused ({len(codes)})")
        if isinstance(exc, smtplib.SMTPResponseException):
            cls = NotifyUnavailable if 400 <= exc.smtp_code < 500 else NotifyRejected
            return cls(channel=name, detail=detail)
        if isinstance(exc, ssl.SSLCertVerificationError):
            return NotifyRejected(channel=name, detail="certificate not trusted: " + detail)
        if isinstance(exc, (smtplib.SMTPServerDisconnected, socket.timeout, TimeoutError)):
            return NotifyUnavailable(channel=name, detail=detail or "timed out")
        if isinstance(exc, (OSError, smtplib.SMTPException)):
            return NotifyUnavailable(channel=name, detail=detail)
        return exc


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"SMTP {exc.smtp_code} {text}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]

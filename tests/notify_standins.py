"""Local stand-ins for the services utils/notify talks to, for tests only (127.0.0.1).

`ChatStandIn` is one HTTP server that answers like
- WeCom's group robot      POST /cgi-bin/webhook/send?key=KEY
- DingTalk's custom robot  POST /robot/send?access_token=TOKEN[&timestamp=…&sign=…]
- Feishu's custom bot      POST /open-apis/bot/v2/hook/TOKEN
- a generic JSON webhook   POST /hooks/sheetdesk
checking each request the way the service documents it (key/token, the DingTalk and Feishu
signatures recomputed from the secret, stale timestamps, body shape, content size, per-robot
rate limits on its own injectable clock) and answering with the service's JSON and codes.
`script(service, *actions)` makes the next requests fail: ("status", 500), ("timeout", s),
("close",) or ("code", errcode, errmsg).

Where a service documents no code for a malformed body, the stand-in answers with a plausible
one (marked "stand-in" in its message); tests only rely on it being a refusal.

`SMTPStandIn` speaks enough of RFC 5321 for smtplib: EHLO/HELO, STARTTLS (RFC 3207), implicit
TLS, AUTH PLAIN and LOGIN (RFC 4954), MAIL FROM, RCPT TO, DATA (with dot-unstuffing), RSET,
NOOP, QUIT, and can be told to refuse with a given reply. `self_signed_cert()` makes a
certificate for 127.0.0.1 with the `cryptography` package.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import socket
import socketserver
import ssl
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

WECOM_MARKDOWN_MAX = 4096
WECOM_TEXT_MAX = 2048
DINGTALK_TEXT_MAX = 4096  # the channel's own conservative limit (DingTalk documents none)
FEISHU_BODY_MAX = 20 * 1024


@dataclass
class Received:
    service: str
    path: str
    query: dict
    headers: dict
    raw: bytes
    body: object = None


class _Window:
    """Counts requests per robot in sliding windows on the stand-in's clock."""

    def __init__(self, limits, clock) -> None:
        self.limits, self.clock = limits, clock
        self.seen: dict[str, list[deque]] = defaultdict(lambda: [deque() for _ in limits])

    def allow(self, robot: str) -> bool:
        now = self.clock()
        windows = self.seen[robot]
        for (count, seconds), times in zip(self.limits, windows, strict=True):
            while times and times[0] <= now - seconds:
                times.popleft()
            if len(times) >= count:
                return False
        for times in windows:
            times.append(now)
        return True


class ChatStandIn:
    def __init__(
        self,
        *,
        wecom_key: str = "wecom-key-0001",
        dingtalk_token: str = "dingtalk-token-0001",
        dingtalk_secret: str | None = "SECdingtalk-secret-0001",
        feishu_token: str = "feishu-token-0001",
        feishu_secret: str | None = "feishu-secret-0001",
        webhook_secret: str | None = "webhook-secret-0001",
        clock=time.time,
    ) -> None:
        self.wecom_key, self.dingtalk_token = wecom_key, dingtalk_token
        self.dingtalk_secret, self.feishu_token = dingtalk_secret, feishu_token
        self.feishu_secret, self.webhook_secret = feishu_secret, webhook_secret
        self.clock = clock  # for rate windows; signatures are checked against real time
        self.received: dict[str, list[Received]] = defaultdict(list)
        self.refused: dict[str, list[dict]] = defaultdict(list)
        self._script: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()
        self.windows = {
            "wecom": _Window(((20, 60.0),), lambda: self.clock()),
            "dingtalk": _Window(((20, 60.0),), lambda: self.clock()),
            "feishu": _Window(((5, 1.0), (100, 60.0)), lambda: self.clock()),
        }
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                standin._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    # --- URLs the channels are configured with ------------------------------------------------
    @property
    def wecom_url(self) -> str:
        return f"{self.base}/cgi-bin/webhook/send?key={self.wecom_key}"

    @property
    def dingtalk_url(self) -> str:
        return f"{self.base}/robot/send?access_token={self.dingtalk_token}"

    @property
    def feishu_url(self) -> str:
        return f"{self.base}/open-apis/bot/v2/hook/{self.feishu_token}"

    @property
    def webhook_url(self) -> str:
        return f"{self.base}/hooks/sheetdesk"

    def __enter__(self) -> ChatStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def script(self, service: str, *actions: tuple) -> None:
        with self._lock:
            self._script[service].extend(actions)

    def bodies(self, service: str) -> list:
        return [r.body for r in self.received[service]]

    # --- request handling ------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        if parts.path == "/cgi-bin/webhook/send":
            service = "wecom"
        elif parts.path == "/robot/send":
            service = "dingtalk"
        elif parts.path.startswith("/open-apis/bot/v2/hook/"):
            service = "feishu"
        elif parts.path == "/hooks/sheetdesk":
            service = "webhook"
        else:
            self._reply(handler, 404, {"error": "not found"})
            return
        with self._lock:
            action = self._script[service].popleft() if self._script[service] else None
        if action is not None:
            kind = action[0]
            if kind == "timeout":
                time.sleep(action[1])
                handler.close_connection = True
                return
            if kind == "close":
                handler.close_connection = True
                return
            if kind == "status":
                error = {"errcode": -1, "errmsg": "system error"}
                if service == "feishu":
                    error = {"code": -1, "msg": "internal error"}
                self._reply(handler, action[1], error)
                return
            if kind == "code":
                code, msg = action[1], action[2] if len(action) > 2 else "scripted"
                key = "code" if service == "feishu" else "errcode"
                text = "msg" if service == "feishu" else "errmsg"
                self._reply(handler, 200, {key: code, text: msg})
                return
        headers = {k.lower(): v for k, v in handler.headers.items()}
        received = Received(service, parts.path, query, headers, raw)
        check = getattr(self, f"_check_{service}")
        status, reply = check(received, parts.path)
        if status == 200 and not _refusal(service, reply):
            self.received[service].append(received)
        else:
            self.refused[service].append(reply)
        self._reply(handler, status, reply)

    @staticmethod
    def _reply(handler, status: int, payload: dict) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        try:
            handler.wfile.write(data)
        except OSError:
            pass

    @staticmethod
    def _json(received: Received):
        try:
            received.body = json.loads(received.raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        return received.body if isinstance(received.body, dict) else None

    # WeCom: 群机器人配置说明
    def _check_wecom(self, r: Received, path: str):
        if r.query.get("key") != [self.wecom_key]:
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: [x]"}
        body = self._json(r)
        if body is None:
            return 200, {"errcode": 40058, "errmsg": "stand-in: body is not JSON"}
        msgtype = body.get("msgtype")
        if msgtype not in ("text", "markdown"):
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}
        part = body.get(msgtype)
        content = part.get("content") if isinstance(part, dict) else None
        if not isinstance(content, str) or not content:
            return 200, {"errcode": 44004, "errmsg": "empty content"}
        limit = WECOM_MARKDOWN_MAX if msgtype == "markdown" else WECOM_TEXT_MAX
        if len(content.encode("utf-8")) > limit:
            return 200, {"errcode": 40058, "errmsg": f"content exceed max length {limit}"}
        if msgtype == "text":
            for key in ("mentioned_list", "mentioned_mobile_list"):
                value = part.get(key, [])
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    return 200, {"errcode": 40058, "errmsg": f"stand-in: bad {key}"}
        elif set(part) != {"content"}:
            return 200, {"errcode": 40058, "errmsg": "stand-in: markdown takes content only"}
        if not self.windows["wecom"].allow(self.wecom_key):
            return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    # DingTalk: 自定义机器人接入 / 安全设置 (加签)
    def _check_dingtalk(self, r: Received, path: str):
        if r.query.get("access_token") != [self.dingtalk_token]:
            return 200, {"errcode": 300001, "errmsg": "token is not exist"}
        if self.dingtalk_secret:
            timestamp, sign = r.query.get("timestamp", [""])[0], r.query.get("sign", [""])[0]
            try:
                stamp = int(timestamp)
            except ValueError:
                return 200, {"errcode": 310000, "errmsg": "invalid timestamp"}
            if abs(time.time() * 1000 - stamp) > 3600 * 1000:
                return 200, {"errcode": 310000, "errmsg": "invalid timestamp"}
            secret = self.dingtalk_secret
            digest = hmac.new(
                secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256
            ).digest()
            if not hmac.compare_digest(base64.b64encode(digest).decode(), sign):
                return 200, {"errcode": 310000, "errmsg": "sign not match"}
        body = self._json(r)
        if body is None:
            return 200, {"errcode": 400, "errmsg": "stand-in: body is not JSON"}
        if body.get("msgtype") != "markdown":
            return 200, {"errcode": 400, "errmsg": "stand-in: only markdown expected"}
        md = body.get("markdown")
        if not isinstance(md, dict) or not all(
            isinstance(md.get(k), str) and md.get(k) for k in ("title", "text")
        ):
            return 200, {"errcode": 400, "errmsg": "stand-in: markdown needs title and text"}
        if len(md["text"].encode("utf-8")) > DINGTALK_TEXT_MAX:
            return 200, {"errcode": 400, "errmsg": "stand-in: text too long"}
        at = body.get("at", {})
        for key in ("atMobiles", "atUserIds"):
            value = at.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return 200, {"errcode": 400, "errmsg": f"stand-in: bad {key}"}
        if not isinstance(at.get("isAtAll", False), bool):
            return 200, {"errcode": 400, "errmsg": "stand-in: bad isAtAll"}
        if not self.windows["dingtalk"].allow(self.dingtalk_token):
            return 200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    # Feishu: 自定义机器人使用指南
    def _check_feishu(self, r: Received, path: str):
        if path.rsplit("/", 1)[1] != self.feishu_token:
            return 200, {"code": 19001, "msg": "param invalid: incoming webhook access token"}
        if len(r.raw) > FEISHU_BODY_MAX:
            return 200, {"code": 9499, "msg": "Bad Request", "data": {}}
        body = self._json(r)
        if body is None:
            return 200, {"code": 9499, "msg": "Bad Request", "data": {}}
        if self.feishu_secret:
            fail = {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
            try:
                stamp = int(body.get("timestamp"))
            except (TypeError, ValueError):
                return 200, fail
            if abs(time.time() - stamp) > 3600:
                return 200, fail
            key = f"{body.get('timestamp')}\n{self.feishu_secret}".encode()
            expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            if not hmac.compare_digest(expected, str(body.get("sign"))):
                return 200, fail
        bad = {"code": 9499, "msg": "Bad Request", "data": {}}
        msg_type, content = body.get("msg_type"), body.get("content")
        if not isinstance(content, dict):
            return 200, bad
        if msg_type == "text":
            if not isinstance(content.get("text"), str) or not content["text"]:
                return 200, bad
        elif msg_type == "post":
            post = content.get("post")
            if not isinstance(post, dict) or not post:
                return 200, bad
            for locale, value in post.items():
                if locale not in ("zh_cn", "en_us", "ja_jp") or not isinstance(value, dict):
                    return 200, bad
                if not isinstance(value.get("title"), str):
                    return 200, bad
                lines = value.get("content")
                if not isinstance(lines, list) or not all(isinstance(x, list) for x in lines):
                    return 200, bad
                for element in (e for line in lines for e in line):
                    need = {"text": ("text",), "a": ("text", "href"), "at": ("user_id",)}
                    tag = element.get("tag") if isinstance(element, dict) else None
                    if tag not in need or not all(
                        isinstance(element.get(k), str) and element.get(k) for k in need[tag]
                    ):
                        return 200, bad
        else:
            return 200, bad
        if not self.windows["feishu"].allow(self.feishu_token):
            return 200, {"code": 11232, "msg": "frequency limited"}
        return 200, {"code": 0, "msg": "success", "data": {}}

    def _check_webhook(self, r: Received, path: str):
        if self.webhook_secret:
            expected = (
                "sha256="
                + hmac.new(self.webhook_secret.encode(), r.raw, hashlib.sha256).hexdigest()
            )
            if not hmac.compare_digest(expected, r.headers.get("x-sheetdesk-signature", "")):
                return 401, {"error": "bad signature"}
        body = self._json(r)
        if body is None or not isinstance(body.get("title"), str):
            return 400, {"error": "bad body"}
        return 200, {"ok": True}


def _refusal(service: str, reply: dict) -> bool:
    if service == "feishu":
        return reply.get("code") != 0
    if service == "webhook":
        return not reply.get("ok")
    return reply.get("errcode") != 0


# --- SMTP ---------------------------------------------------------------------------------------


@dataclass
class Mail:
    mail_from: str
    rcpt_to: list[str]
    data: bytes
    user: str | None
    tls: bool


@dataclass
class SMTPStandIn:
    users: dict[str, str] = field(default_factory=dict)
    tls_context: ssl.SSLContext | None = None
    implicit_tls: bool = False
    auth_methods: tuple[str, ...] = ("PLAIN", "LOGIN")
    fail: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))

    def __post_init__(self) -> None:
        self.mails: list[Mail] = []
        self.transcripts: list[list[str]] = []
        standin = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                try:
                    standin._session(self.request)
                except (OSError, ssl.SSLError):
                    pass

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.host, self.port = self.server.server_address[:2]
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> SMTPStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def refuse(self, command: str, reply: str) -> None:
        """The next `command` (MAIL, RCPT, DATA end "DOT") is answered with `reply`."""
        self.fail[command].append(reply)

    def _session(self, sock: socket.socket) -> None:
        sock.settimeout(5)
        tls = False
        if self.implicit_tls:
            sock = self.tls_context.wrap_socket(sock, server_side=True)
            tls = True
        rfile = sock.makefile("rb")
        transcript: list[str] = []
        self.transcripts.append(transcript)

        def send(line: str) -> None:
            sock.sendall(line.encode("utf-8") + b"\r\n")

        def read() -> str:
            line = rfile.readline(65536)
            if not line:
                raise ConnectionAbortedError
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            transcript.append(text)
            return text

        send("220 standin.local ESMTP stand-in")
        user = None
        mail_from, rcpt = None, []
        while True:
            line = read()
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                lines = ["standin.local", "8BITMIME", "SIZE 10485760"]
                if self.tls_context is not None and not tls:
                    lines.append("STARTTLS")
                if self.users and (tls or self.tls_context is None):
                    lines.append("AUTH " + " ".join(self.auth_methods))
                for item in lines[:-1]:
                    send("250-" + item)
                send("250 " + lines[-1])
            elif verb == "HELO":
                send("250 standin.local")
            elif verb == "STARTTLS":
                if self.tls_context is None or tls:
                    send("502 5.5.1 not available")
                    continue
                send("220 2.0.0 Ready to start TLS")
                sock = self.tls_context.wrap_socket(sock, server_side=True)
                rfile = sock.makefile("rb")
                tls, user, mail_from, rcpt = True, None, None, []
            elif verb == "AUTH":
                method, _, initial = arg.partition(" ")
                method = method.upper()
                if not self.users or method not in self.auth_methods:
                    send("504 5.5.4 unrecognized authentication type")
                    continue
                if self.tls_context is not None and not tls:
                    send("538 5.7.11 encryption required")
                    continue
                if method == "PLAIN":
                    if not initial:
                        send("334 ")
                        initial = read()
                    try:
                        _, name, password = base64.b64decode(initial).decode().split("\0")
                    except ValueError:
                        send("501 5.5.2 cannot decode")
                        continue
                else:  # LOGIN
                    if not initial:
                        send("334 " + base64.b64encode(b"Username:").decode())
                        initial = read()
                    name = base64.b64decode(initial).decode()
                    send("334 " + base64.b64encode(b"Password:").decode())
                    password = base64.b64decode(read()).decode()
                if self.users.get(name) == password:
                    user = name
                    send("235 2.7.0 Authentication successful")
                else:
                    send("535 5.7.8 Authentication credentials invalid")
            elif verb == "MAIL":
                if self.users and user is None:
                    send("530 5.7.0 Authentication required")
                    continue
                if self.fail["MAIL"]:
                    send(self.fail["MAIL"].popleft())
                    continue
                mail_from, rcpt = arg.split(":", 1)[1].split()[0].strip("<>"), []
                send("250 2.1.0 OK")
            elif verb == "RCPT":
                if mail_from is None:
                    send("503 5.5.1 need MAIL first")
                    continue
                if self.fail["RCPT"]:
                    send(self.fail["RCPT"].popleft())
                    continue
                rcpt.append(arg.split(":", 1)[1].split()[0].strip("<>"))
                send("250 2.1.5 OK")
            elif verb == "DATA":
                if not rcpt:
                    send("503 5.5.1 need RCPT first")
                    continue
                send("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while True:
                    raw = rfile.readline(1 << 20)
                    if not raw:
                        raise ConnectionAbortedError
                    if raw in (b".\r\n", b".\n"):
                        break
                    chunks.append(raw[1:] if raw.startswith(b"..") else raw)
                if self.fail["DOT"]:
                    send(self.fail["DOT"].popleft())
                else:
                    self.mails.append(Mail(mail_from, rcpt, b"".join(chunks), user, tls))
                    send("250 2.0.0 OK queued")
                mail_from, rcpt = None, []
            elif verb == "RSET":
                mail_from, rcpt = None, []
                send("250 2.0.0 OK")
            elif verb == "NOOP":
                send("250 2.0.0 OK")
            elif verb == "QUIT":
                send("221 2.0.0 Bye")
                return
            else:
                send("500 5.5.2 command not recognized")


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1/localhost, valid for a day, trusted as its own CA."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "standin-cert.pem", folder / "standin-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context

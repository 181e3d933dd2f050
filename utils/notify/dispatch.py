"""Sending one message through several channels: rate limits, retries, one result per channel.

    dispatcher = Dispatcher(channels)
    results = dispatcher.send(message)          # {channel name: Result}
    results["wecom"].status                     # "sent" | "failed" | "deferred" | "skipped"

- **Rate limits.** Each channel declares its service's limits (`rate_limits`, e.g. WeCom's 20 a
  minute). Sends wait for a free slot when the wait is short (`max_wait`, default 5 s) and are
  *deferred* otherwise: `Result.retry_after` says when a slot frees up, and the caller sends the
  message again later (its `key` lets it de-duplicate). The limiter is a token bucket whose
  tokens come back exactly one window after they were spent (a sliding window): a burst may use
  the whole allowance at once, but no window of the service's length ever holds more than its
  limit. A refill-rate bucket would let 20 + 19 messages through in one minute, and DingTalk
  throttles a robot for ten minutes past 20. Limiters are shared by every channel object that
  talks to the same robot, across threads (`RateLimiters`; by default one per process).
- **Retries.** Timeouts, refused connections, 5xx and the services' "too fast" codes are tried
  again, at most `max_attempts` times in all, after an exponential backoff with jitter, and only
  while the channel's time so far stays within `deadline`; each attempt takes a rate-limit slot
  too. A service's "too fast" reply also blocks its limiter for the time it asks. Refusals
  (4xx, bad key or signature, configuration errors) are never retried.
- **Isolation.** Channels are sent to concurrently (one thread each, `parallel=True`), and any
  failure of one, even an unexpected exception, becomes its `Result`: the others go on.
- **No secrets.** Results and log lines carry only channel names and redacted details.
"""

from __future__ import annotations

import bisect
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from utils.errors import ConfigError, NotifyError, NotifyRateLimited, NotifyRejected
from utils.i18n import t
from utils.notify.base import Channel
from utils.notify.message import Message

log = logging.getLogger("sheetdesk.notify")

SENT, FAILED, DEFERRED, SKIPPED = "sent", "failed", "deferred", "skipped"


class RateLimiter:
    """At most `count` sends in any `seconds`-long window, for every (count, seconds) given.

    Thread-safe. `reserve()` books the earliest slot and says how long to wait for it, or
    books nothing and returns None when that wait would exceed `max_wait`. Each window is kept
    `slack` (a fraction, 5 % by default) longer than the service's, so that network jitter
    between our clock and the service's cannot squeeze one message too many into its window.
    """

    def __init__(
        self,
        limits: Sequence[tuple[int, float]],
        clock: Callable[[], float] = time.monotonic,
        slack: float = 0.05,
    ) -> None:
        self.limits = tuple(
            (int(n), float(s) * (1 + slack)) for n, s in limits if int(n) > 0 and float(s) > 0
        )
        self.clock = clock
        self._lock = threading.Lock()
        self._sent: list[list[float]] = [[] for _ in self.limits]  # booked times, sorted
        self._blocked_until = float("-inf")

    def _earliest(self, now: float) -> float:
        at = max(now, self._blocked_until)
        for (count, seconds), booked in zip(self.limits, self._sent, strict=True):
            del booked[: bisect.bisect_right(booked, now - seconds)]
            if len(booked) >= count:
                # The count-th most recent booking's slot comes back one window after it.
                at = max(at, booked[-count] + seconds)
        return at

    def reserve(self, max_wait: float = float("inf")) -> float | None:
        with self._lock:
            now = self.clock()
            at = self._earliest(now)
            if at - now > max_wait:
                return None
            for booked in self._sent:
                bisect.insort(booked, at)
            return at - now

    def wait_time(self) -> float:
        """Seconds until a send could go (0 if now)."""
        with self._lock:
            now = self.clock()
            return max(0.0, self._earliest(now) - now)

    def block(self, seconds: float) -> None:
        """The service said "too fast": nothing goes for `seconds`."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self.clock() + max(0.0, seconds))


class RateLimiters:
    """One `RateLimiter` per remote robot/account (`Channel.rate_key`), shared by threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._limiters: dict[str, RateLimiter] = {}

    def for_channel(self, channel: Channel) -> RateLimiter:
        with self._lock:
            limiter = self._limiters.get(channel.rate_key)
            if limiter is None:
                limiter = RateLimiter(channel.rate_limits, self.clock)
                self._limiters[channel.rate_key] = limiter
            return limiter


LIMITERS = RateLimiters()  # the process's: every Dispatcher on the real clock shares it


@dataclass(frozen=True)
class Result:
    """What happened to a message on one channel.

    status   "sent", "failed" (see `reason`/`error`), "deferred" (send it again after
             `retry_after` seconds), or "skipped" (nothing to do: e.g. no e-mail address).
    reason   "" when sent; "rejected", "unavailable", "rate_limited" (the service said too
             fast), "local_rate_limit" (our limiter: the wait was too long), "no_recipients",
             "error" (an unexpected fault in the channel).
    detail   English, redacted; `message(lang)` gives the translated sentence.
    retryable  whether sending again later may succeed.
    """

    channel: str
    status: str
    reason: str = ""
    detail: str = ""
    attempts: int = 0
    retry_after: float | None = None
    error: NotifyError | None = None

    @property
    def ok(self) -> bool:
        return self.status in (SENT, SKIPPED)

    @property
    def retryable(self) -> bool:
        return self.status == DEFERRED or bool(self.error and self.error.retryable)

    def message(self, lang: str = "en") -> str:
        if self.error is not None:
            return self.error.message(lang)
        key = {
            SENT: "notify.result.sent",
            SKIPPED: "notify.result.no_recipients",
            DEFERRED: "notify.result.deferred",
        }.get(self.status, "notify.error")
        seconds = round(self.retry_after) if self.retry_after is not None else "?"
        return t(key, lang, channel=self.channel, seconds=seconds, detail=self.detail)


class Dispatcher:
    """Sends messages through `channels`; see the module's docstring."""

    def __init__(
        self,
        channels: Iterable[Channel],
        *,
        limiters: RateLimiters | None = None,
        max_attempts: int = 3,
        base_delay: float = 0.5,
        max_delay: float = 8.0,
        max_wait: float = 5.0,
        deadline: float = 30.0,
        parallel: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.channels = list(channels)
        names = [c.name for c in self.channels]
        for name in names:
            if names.count(name) > 1:
                raise ConfigError("notify.config.duplicate_name", name=name)
        if limiters is None:
            limiters = LIMITERS if clock is time.monotonic else RateLimiters(clock)
        self.limiters = limiters
        self.max_attempts = max(1, int(max_attempts))
        self.base_delay, self.max_delay = base_delay, max_delay
        self.max_wait, self.deadline = max_wait, deadline
        self.parallel = parallel
        self.clock, self.sleep = clock, sleep
        self.rng = rng or random.Random()

    def send(self, message: Message, only: Iterable[str] | None = None) -> dict[str, Result]:
        """Send `message` through every channel (or those named in `only`); never raises for a
        channel's failure. Returns {channel name: Result} in channel order."""
        wanted = set(only) if only is not None else None
        channels = [c for c in self.channels if wanted is None or c.name in wanted]
        if self.parallel and len(channels) > 1:
            with ThreadPoolExecutor(max_workers=min(8, len(channels))) as pool:
                results = list(pool.map(lambda c: self._deliver(c, message), channels))
        else:
            results = [self._deliver(c, message) for c in channels]
        return {r.channel: r for r in results}

    # --- one channel ----------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return self.rng.uniform(ceiling / 2, ceiling)  # "equal jitter"

    def _deliver(self, channel: Channel, message: Message) -> Result:
        start = self.clock()
        limiter = self.limiters.for_channel(channel)
        attempt = 0
        while True:
            wait = limiter.reserve(self.max_wait)
            if wait is None:
                return self._done(
                    channel,
                    DEFERRED,
                    "local_rate_limit",
                    attempts=attempt,
                    retry_after=limiter.wait_time(),
                )
            if wait > 0:
                self.sleep(wait)
            attempt += 1
            try:
                delivered = channel.send(message)
            except NotifyRejected as exc:
                return self._done(channel, FAILED, "rejected", exc, attempts=attempt)
            except NotifyError as exc:
                rate_limited = isinstance(exc, NotifyRateLimited)
                if rate_limited and exc.retry_after:
                    limiter.block(exc.retry_after)
                delay = max(self._backoff(attempt), exc.retry_after or 0.0)
                spent = self.clock() - start
                if (
                    not exc.retryable
                    or attempt >= self.max_attempts
                    or spent + delay > self.deadline
                ):
                    if rate_limited:
                        return self._done(
                            channel,
                            DEFERRED,
                            "rate_limited",
                            exc,
                            attempts=attempt,
                            retry_after=max(exc.retry_after or 0.0, limiter.wait_time()),
                        )
                    reason = "unavailable" if exc.retryable else "error"
                    return self._done(channel, FAILED, reason, exc, attempts=attempt)
                log.info(
                    "notify: %s attempt %d failed (%s); retrying in %.1f s",
                    channel.name,
                    attempt,
                    exc.detail,
                    delay,
                )
                self.sleep(delay)
                continue
            except Exception as exc:  # noqa: BLE001 - one channel's bug must not stop the others
                error = NotifyError(
                    channel=channel.name, detail=channel.redact(f"{type(exc).__name__}: {exc}")
                )
                error.__traceback__ = None
                return self._done(channel, FAILED, "error", error, attempts=attempt)
            if delivered is False:
                return self._done(channel, SKIPPED, "no_recipients", attempts=attempt)
            return self._done(channel, SENT, attempts=attempt)

    def _done(
        self,
        channel: Channel,
        status: str,
        reason: str = "",
        error: NotifyError | None = None,
        *,
        attempts: int,
        retry_after: float | None = None,
    ) -> Result:
        detail = channel.redact(error.detail) if error is not None else ""
        result = Result(channel.name, status, reason, detail, attempts, retry_after, error)
        level = logging.WARNING if status == FAILED else logging.INFO
        log.log(level, "notify: %s %s %s %s", channel.name, status, reason, detail)
        return result

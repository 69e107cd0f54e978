"""Refused API keys in the log. An operator should see that requests are being refused, but a flood of
bad keys must not flood the log: Django's one WARNING line per 4xx answer (django.request) is replaced,
for 401s, by at most one line per minute and process, counting the refusals since the previous line."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("accord.api")
# At most one line per this many seconds and server process: a line a minute shows an ongoing attack or
# a misconfigured client as clearly as a line per request, at a bounded cost in log volume and CPU.
REFUSAL_LOG_INTERVAL_S = 60.0


class RefusalLog:
    """Counts refusals and logs the first one at once, then at most one line per ``interval_s``."""

    def __init__(self, *, interval_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_s = interval_s
        self.clock = clock
        self.lock = threading.Lock()
        self.unlogged = 0
        self.logged_at: float | None = None

    def note(self, request: HttpRequest, response: HttpResponse) -> None:
        # Django logs every 4xx answer unless the response says it has been logged; this class does.
        response._has_been_logged = True  # type: ignore[attr-defined]
        now = self.clock()
        with self.lock:
            self.unlogged += 1
            if self.logged_at is not None and now - self.logged_at < self.interval_s:
                return
            refused, self.unlogged, self.logged_at = self.unlogged, 0, now
        logger.warning(
            "API request refused, no valid key: %s %s from %s (%d refused since the previous such line)",
            request.method,
            request.path,
            request.META.get("REMOTE_ADDR", "?"),
            refused,
        )


REFUSALS = RefusalLog(interval_s=REFUSAL_LOG_INTERVAL_S)


def log_refusal(request: HttpRequest, response: HttpResponse) -> None:
    REFUSALS.note(request, response)

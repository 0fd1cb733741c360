"""A gunicorn gthread worker that notes when each request reached the worker process (issue 17).

    gunicorn config.wsgi --worker-class common.gunicorn_worker.ArrivalThreadWorker --threads 4 ...

gthread's main thread accepts connections (and wakes kept-alive ones when their next request's
bytes arrive) and queues them for its thread pool. In a deadline rush a request may wait
there for seconds before Django sees it. This worker stamps the connection when it is queued
and hands the stamp to common.arrival on the thread that runs the request, so the deadline
is judged at that moment, not when a thread came free. The stamp is this server's own clock,
believed only up to a minute back (common.arrival.MAX_PROXY_LEAD).
"""
from __future__ import annotations

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

from common.arrival import note_received


class ArrivalThreadWorker(ThreadWorker):
    def enqueue_req(self, conn: Any) -> None:
        conn.homecare_queued_at = time.time()
        super().enqueue_req(conn)

    def handle_request(self, req: Any, conn: Any) -> Any:
        note_received(getattr(conn, "homecare_queued_at", None))
        try:
            return super().handle_request(req, conn)
        finally:
            note_received(None)
            conn.homecare_queued_at = None  # a kept-alive connection's next request gets its own stamp

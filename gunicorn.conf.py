"""Production settings for gunicorn, read from the working directory (`gunicorn limburg_maak.wsgi`).

Threaded workers: a thread that waits for the database does not hold a whole process. Requests
wait for a thread in the worker's queue; `post_worker_init` stamps each one as it is queued, so
that LoadSheddingMiddleware answers a request that waited too long with a quick 503 instead of
serving it late, and the queue drains under overload. Each thread keeps its
own database connection (`conn_max_age`), and a site search that is not cached opens a second
one while it runs (`common.concurrency`), so workers x (threads + MAX_CONCURRENT_REQUESTS) must
stay below PostgreSQL's `max_connections` (100 by default): 5 x (8 + 4) = 60 here.
"""

import multiprocessing
import os
import time

# Only the proxy in front reaches the app: it listens on the loopback address unless `BIND` says
# otherwise (then set TRUSTED_PROXIES to the proxy's address, see the README).
bind = os.environ.get("BIND", "127.0.0.1:8000")
# gunicorn believes the scheme headers (X-Forwarded-Proto) of the same proxies the app believes
# X-Forwarded-For of (limburg_maak.addresses.client_ip): TRUSTED_PROXIES, none by default.
forwarded_allow_ips = ",".join(
    entry.strip() for entry in os.environ.get("TRUSTED_PROXIES", "").split(",") if entry.strip()
)
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A request that runs this long is a bug; the worker is restarted rather than left hanging.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so slow growth in memory never builds up.
max_requests = 10000
max_requests_jitter = 1000
accesslog = "-"


def post_worker_init(worker):
    """Stamp each request with the moment it is queued for a thread (gthread workers).

    `enqueue_req` is called when a connection's request is ready (a new connection, or a
    kept-alive one with a new request) and `handle` in the thread that serves it; the stamp
    travels in `limburg_maak.middleware.queued`, a thread-local.
    """
    from limburg_maak.middleware import queued

    if not hasattr(worker, "enqueue_req"):
        return  # not a threaded worker: nothing is queued in the process
    enqueue, handle = worker.enqueue_req, worker.handle

    def enqueue_req(connection):
        connection.queued_at = time.monotonic()
        enqueue(connection)

    def handle_queued(connection):
        queued.since = getattr(connection, "queued_at", None)
        try:
            return handle(connection)
        finally:
            queued.since = None

    worker.enqueue_req = enqueue_req
    worker.handle = handle_queued

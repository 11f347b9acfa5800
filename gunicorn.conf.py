"""Production settings for gunicorn, read from the working directory (`gunicorn limburg_maak.wsgi`).

Threaded workers: a thread that waits for the database does not hold a whole process, and
requests beyond `MAX_CONCURRENT_REQUESTS` per process reach LoadSheddingMiddleware, which
answers them 503 quickly instead of leaving them in a queue nobody sees. Each thread keeps its
own database connection (`conn_max_age`), so workers x threads must stay below PostgreSQL's
`max_connections` (100 by default): 5 x 8 = 40 here.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "0.0.0.0:8000")
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

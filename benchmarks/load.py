"""Load from loopback: gunicorn with the production settings, driven by wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/limburg_bench \\
        .venv/bin/python benchmarks/load.py [--duration 20] [--connections N]

Starts gunicorn with `gunicorn.conf.py` (the documented production configuration) on a free
port, with `DEBUG` off, Redis as the cache when it answers on 127.0.0.1:6379, and API
throttling raised: wrk is one address standing for many clients, and per-client throttling is
tested elsewhere. Then, for an API list, an API detail and the dashboard, it finds the load the
server carries without a single refusal (connections doubled from 1 in 5-second probes, then
halved while a run of `--duration` seconds still refuses any; or `--connections`), runs wrk at
that load and at twice it, and prints requests per second, p50/p99 latency and the responses
per status. At the carried load
every answer should be a 200; at twice that load the excess should be refused with 503 (or
429), never a 500 or a dropped connection. Needs wrk (`apt-get install wrk`) and the page
styles built (`make assets`).

With `--through-nginx` it starts Debian's nginx (`apt-get install nginx`) with the README's
configuration ("A caching proxy in front") in front of that gunicorn, and runs the memo's page,
its overview in the API and a program's page at the same load (`--connections`, 32) straight
at gunicorn and through nginx: requests per second, latency, and how many answers nginx gave
from its cache (the hit ratio).
"""

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "statuses.lua"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
REDIS = ("127.0.0.1", 6379)
PROBE_SECONDS = 5
# Beyond this wrk alone would compete with the server for the machine's cores.
MOST_CONNECTIONS = 256
NGINX = "/usr/sbin/nginx"
MEMO = "sterke-maakindustrie-2015"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_answers():
    try:
        with socket.create_connection(REDIS, timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def server_environment():
    environment = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "API_RATE_ANONYMOUS": "100000000/minute",
    }
    if redis_answers():
        environment["REDIS_URL"] = f"redis://{REDIS[0]}:{REDIS[1]}/1"
    return environment


def start_server(environment, port):
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    server = subprocess.Popen(
        [GUNICORN, "limburg_maak.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        # Every refusal is logged as a 503 by django.request; the figures below count them.
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1", timeout=5):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 seconds")


def server_sizes(environment):
    """Workers (gunicorn.conf.py) and requests at once per worker (the settings)."""
    script = (
        "import django, multiprocessing, runpy; django.setup(); "
        "from django.conf import settings; "
        "print(runpy.run_path('gunicorn.conf.py')['workers'], settings.MAX_CONCURRENT_REQUESTS)"
    )
    output = subprocess.run(
        [PYTHON, "-c", script],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "limburg_maak.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    workers, slots = output.split()
    return int(workers), int(slots)


def read_json(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def targets(base):
    """An API list, the detail of a record on it, and the dashboard."""
    first = read_json(f"{base}/api/v1/budget-lines")["results"][0]
    return {
        "API list (budget-lines)": f"{base}/api/v1/budget-lines",
        "API detail (budget line)": f"{base}/api/v1/budget-lines/{first['id']}",
        "dashboard": f"{base}/",
    }


def proxy_targets(base):
    """The memo's page, its overview in the API and a program's page."""
    program = read_json(f"{base}/api/v1/programs")["results"][0]
    return {
        "memo page": f"/documenten/{MEMO}",
        "memo overview (API)": f"/api/v1/documents/{MEMO}/overview",
        "program page": f"/programmas/{program['slug']}",
    }


def readme_nginx_block():
    """The nginx configuration the README gives, as it stands."""
    readme = (ROOT / "README.md").read_text()
    return re.search(r"```nginx\n(.*?)```", readme, re.S).group(1)


def nginx_configuration(directory, port, upstream_port):
    """The README's block, listening on `port` in front of `upstream_port`, kept in `directory`,
    inside the few lines nginx needs to run as a process of its own."""
    block = readme_nginx_block()
    for production, here in (
        ("/var/cache/nginx/limburg-maak", f"{directory}/cache"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
    ):
        if production not in block:
            raise SystemExit(f"The README's nginx block no longer has {production!r}.")
        block = block.replace(production, here)
    temporary = "\n".join(
        f"    {kind}_temp_path {directory}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"pid {directory}/nginx.pid;\nerror_log {directory}/error.log;\n"
        f"events {{ worker_connections 1024; }}\n"
        f"http {{\n    access_log off;\n{temporary}\n{block}}}\n"
    )


def start_nginx(directory, port, upstream_port):
    # Its workers run as nobody when nginx is started as root.
    os.chmod(directory, 0o777)
    configuration = Path(directory) / "nginx.conf"
    configuration.write_text(nginx_configuration(directory, port, upstream_port))
    proxy = subprocess.Popen(
        [NGINX, "-p", directory, "-c", str(configuration), "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1", timeout=5):
                return proxy
        except OSError:
            time.sleep(0.2)
    proxy.terminate()
    raise SystemExit(f"nginx did not answer; see {directory}/error.log")


def stop(process):
    process.terminate()
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()


def through_nginx(port, connections, duration):
    """Each proxy target straight at gunicorn and through nginx, at the same load."""
    nginx_port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        proxy = start_nginx(directory, nginx_port, port)
        try:
            print(
                f"{'target':<22} {'via':<9} {'conns':>5} {'req/s':>8} {'p50 ms':>8} "
                f"{'p99 ms':>8} {'dropped':>7}  {'responses':<22} hit ratio"
            )
            for name, path in proxy_targets(f"http://127.0.0.1:{port}").items():
                for via, base_port in (("gunicorn", port), ("nginx", nginx_port)):
                    summary = wrk(f"http://127.0.0.1:{base_port}{path}", connections, duration)
                    report_proxied(name, via, connections, summary)
        finally:
            stop(proxy)


def report_proxied(name, via, connections, summary):
    statuses = ", ".join(f"{status}: {count}" for status, count in summary["statuses"].items())
    counted = sum(summary["cache"].values())
    ratio = f"{summary['cache'].get('HIT', 0) / counted:.1%}" if counted else "-"
    print(
        f"{name:<22} {via:<9} {connections:>5} {summary['requests'] / summary['seconds']:>8.1f} "
        f"{summary['p50_ms']:>8.1f} {summary['p99_ms']:>8.1f} "
        f"{summary['socket_errors'] + summary['timeouts']:>7}  {statuses:<22} {ratio}",
        flush=True,
    )


def wrk(url, connections, duration):
    """Run wrk and return its JSON summary (see statuses.lua)."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    output = subprocess.run(
        [*command, "-s", str(LUA), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def sustained_load(url, most):
    """The most connections (1, 2, 4, ... up to `most`) that a short run serves without a
    single refusal or error: the load the server carries for this URL."""
    connections = 1
    while connections * 2 <= most:
        summary = wrk(url, connections * 2, PROBE_SECONDS)
        if set(summary["statuses"]) != {"200"} or summary["socket_errors"] + summary["timeouts"]:
            break
        connections *= 2
    return connections


def verdict(summary, overloaded):
    statuses = {int(status): count for status, count in summary["statuses"].items()}
    dropped = summary["socket_errors"] + summary["timeouts"]
    if not overloaded:
        return "ok" if set(statuses) == {200} and not dropped else "ERRORS"
    refused = {status for status in statuses if status != 200}
    return "ok" if refused <= {429, 503} and not dropped else "ERRORS"


def report(name, connections, summary, overloaded):
    statuses = ", ".join(f"{status}: {count}" for status, count in summary["statuses"].items())
    print(
        f"{name:<26} {connections:>5} {summary['requests'] / summary['seconds']:>8.1f} "
        f"{summary['p50_ms']:>8.1f} {summary['p99_ms']:>8.1f} "
        f"{summary['socket_errors'] + summary['timeouts']:>7}  {statuses:<28} "
        f"{verdict(summary, overloaded)}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per run (20)")
    parser.add_argument(
        "--connections", type=int, help="the load to hold (default: found per URL by doubling)"
    )
    parser.add_argument(
        "--through-nginx",
        action="store_true",
        help="compare straight at gunicorn with the README's nginx in front (at 32 connections)",
    )
    arguments = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database to load.")

    environment = server_environment()
    port = free_port()
    server = start_server(environment, port)
    try:
        workers, slots = server_sizes(environment)
        print(
            f"gunicorn: {workers} workers, {slots} requests at once each; "
            f"cache: {'Redis' if 'REDIS_URL' in environment else 'local memory'}; "
            f"{os.cpu_count()} CPUs; {arguments.duration} s per run\n"
        )
        if arguments.through_nginx:
            through_nginx(port, arguments.connections or 32, arguments.duration)
            return
        print(
            f"{'target':<26} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'dropped':>7}  {'responses':<28} verdict"
        )
        for name, url in targets(f"http://127.0.0.1:{port}").items():
            connections = arguments.connections or sustained_load(url, MOST_CONNECTIONS)
            summary = wrk(url, connections, arguments.duration)
            # A short probe can pass at a load that a longer run does not hold without a
            # refusal: step back until it does.
            while verdict(summary, False) != "ok" and connections > 1 and not arguments.connections:
                connections //= 2
                summary = wrk(url, connections, arguments.duration)
            report(name, connections, summary, False)
            report(name, 2 * connections, wrk(url, 2 * connections, arguments.duration), True)
    finally:
        stop(server)


if __name__ == "__main__":
    main()

"""The WSGI entry point for production servers: `policykg.server.wsgi:app`.

Configuration comes from POLICYKG_* environment variables (server/config.py), e.g.
POLICYKG_DATA=/srv/policykg.nq; the data is validated before it is served, as `policykg
serve` does (POLICYKG_ALLOW_NONCONFORMING=true serves it anyway). The documented
commands (docs/endpoint.md):

    granian --interface wsgi --workers 2 --blocking-threads 18 --no-ws \
        --host 127.0.0.1 --port 8000 'policykg.server.wsgi:app'
    gunicorn -w 2 -b 127.0.0.1:8000 --preload --timeout 30 'policykg.server.wsgi:app'

granian keeps connections alive, parses HTTP in Rust and reads headers asynchronously,
so slow clients hold no request thread; --blocking-threads 18 is Config.request_threads
for the defaults (every query in flight, every upload, four spare threads).

gunicorn is only for use behind a buffering proxy (nginx): each of its workers is held by
a client that sends its headers slowly. Sync workers (the default class): --preload loads
the graph once in the master; each worker forks its own evaluation children
(server/executor.py), which enforce POLICYKG_QUERY_TIMEOUT (10 s) with a clean 503; its
--timeout 30 is the backstop and must be at least max(POLICYKG_QUERY_TIMEOUT,
POLICYKG_VALIDATE_TIMEOUT) + 10 s (serve.py's gunicorn_timeout).
"""

from __future__ import annotations

from .app import create_app

app = create_app()

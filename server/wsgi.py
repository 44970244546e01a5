"""The WSGI entry point for production servers: `policykg.server.wsgi:app`.

Configuration comes from POLICYKG_* environment variables (server/config.py), e.g.
POLICYKG_DATA=/srv/policykg.nq. The documented commands (docs/endpoint.md):

    granian --interface wsgi --workers 2 --blocking-threads 18 --no-ws \
        --host 127.0.0.1 --port 8000 'policykg.server.wsgi:app'
    gunicorn -w 2 -b 127.0.0.1:8000 --preload --timeout 30 'policykg.server.wsgi:app'

granian keeps connections alive and parses HTTP in Rust (the faster front). Under
gunicorn, sync workers (the default class), not gthread or async ones: its --timeout only
bounds a request's time for sync workers (../shared/reference/reliability.md). --preload
loads the graph once in the master; each worker shares it copy-on-write and forks its
own evaluation child on its first query (server/executor.py), which enforces
POLICYKG_QUERY_TIMEOUT (10 s) with a clean 503; --timeout 30 is the backstop. It must be
at least max(POLICYKG_QUERY_TIMEOUT, POLICYKG_VALIDATE_TIMEOUT) + 10 s (serve.py's
gunicorn_timeout): 30 s for the defaults of 10 s and 20 s.
"""

from __future__ import annotations

from .app import create_app

app = create_app()

# Jamsos Rentan API. The default command migrates, then serves: replicas started together take
# turns (migrations run under a database lock), so each may migrate. compose.yaml runs the
# migration once in its own service instead, and serves without --migrate. Configure with
# DATABASE_URL, JWT_SECRET, APP_ENV, FORWARDED_ALLOW_IPS, WEB_CONCURRENCY and DATABASE_POOL_SIZE
# (README: Deployment).
FROM python:3.11.14-slim-bookworm

# DATABASE_URL: the embedded SQLite default, in /srv/data (the app user's; mount a volume
# there to keep it). Production sets a PostgreSQL URL instead.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APP_ENV=production \
    WEB_CONCURRENCY=1 \
    DATABASE_URL=sqlite+aiosqlite:////srv/data/jamsos_rentan.db

WORKDIR /srv

# Dependencies first: this layer is reused until pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN mkdir app && touch app/__init__.py \
    && pip install . \
    && pip uninstall -y jamsos-rentan \
    && rm -rf app

COPY alembic.ini ./
COPY migrations ./migrations
COPY app ./app
RUN groupadd --system --gid 10001 jamsos \
    && useradd --system --uid 10001 --gid jamsos --home-dir /srv --no-create-home jamsos \
    && install -d -o jamsos -g jamsos -m 0750 /srv/data

# Run from the source tree: the app finds its migrations beside it. The code stays root's,
# read-only to the app user; only /srv/data is writable.
USER 10001
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]

# Worker processes: WEB_CONCURRENCY (one per core is the usual start; see the README).
CMD ["python", "-m", "app", "serve", "--migrate", "--host", "0.0.0.0", "--port", "8000"]

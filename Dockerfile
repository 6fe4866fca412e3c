# One image for web, Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    ACADEMY_ENV=production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install .
COPY . .
# Production settings refuse to load without their services; collectstatic uses none of them.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost SITE_URL=http://localhost \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 academy \
    && mkdir -p /app/media && chown academy /app/media
USER academy

EXPOSE 8000
CMD ["gunicorn", "academy.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

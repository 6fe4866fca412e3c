"""The production stack of ``make serve`` (Procfile: gunicorn, Celery worker, Celery beat, run by
honcho), started on loopback for the smoke test and the load test, and stopped again.

    with ServeStack(database_url=..., redis_url=...) as stack:
        session = loopback_session()
        session.get(stack.url("/healthz"))

The stack runs with ``ACADEMY_ENV=production`` (DEBUG off, static files collected, a Redis
broker, secure cookies) against the database and Redis database it is given; it never touches
the services themselves. Everything it starts is one process group, killed on exit.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackCookiePolicy(DefaultCookiePolicy):
    """Send Secure cookies to 127.0.0.1 over plain HTTP, as browsers do for loopback."""

    def __init__(self, **kwargs):
        # An instance attribute (DefaultCookiePolicy.__init__ sets one; a class one is ignored).
        kwargs.setdefault("secure_protocols", ("https", "wss", "http"))
        super().__init__(**kwargs)


def loopback_session():
    """A requests session that behaves like a browser on loopback (Secure cookies sent)."""
    import requests

    class LoopbackSession(requests.Session):
        def prepare_request(self, request):
            # requests copies the session's cookies into a new jar with the default policy,
            # which holds Secure cookies back over http: choose them again with ours.
            prepared = super().prepare_request(request)
            prepared._cookies.set_policy(LoopbackCookiePolicy())
            prepared.headers.pop("Cookie", None)
            prepared.prepare_cookies(prepared._cookies)
            return prepared

    session = LoopbackSession()
    session.cookies.set_policy(LoopbackCookiePolicy())
    return session


class ServeStack:
    """The Procfile's processes with production settings on ``127.0.0.1:<port>``."""

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        port: int | None = None,
        web_concurrency: int = 2,
        celery_concurrency: int = 2,
        extra_env: dict[str, str] | None = None,
        migrate: bool = True,
        startup_timeout: float = 90.0,
    ):
        self.port = port or free_port()
        self.database_url = database_url
        self.redis_url = redis_url
        self.web_concurrency = web_concurrency
        self.celery_concurrency = celery_concurrency
        self.extra_env = extra_env or {}
        self.migrate = migrate
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self.workdir = Path(tempfile.mkdtemp(prefix="academy-stack-"))
        self.log_path = self.workdir / "stack.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "DJANGO_SETTINGS"))
        }
        env.update(
            ACADEMY_ENV="production",
            DJANGO_SETTINGS_MODULE="academy.settings",
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),
            SECURE_SSL_REDIRECT="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=self.base_url,
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            MEDIA_ROOT=str(self.workdir / "media"),
            # its own collected files: several stacks (and the tests) may run at once
            STATIC_ROOT=str(self.workdir / "static"),
            CELERY_BEAT_FILE=str(self.workdir / "celerybeat-schedule"),
            WEB_CONCURRENCY=str(self.web_concurrency),
            CELERY_CONCURRENCY=str(self.celery_concurrency),
            HOST="127.0.0.1",
            PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            PYTHONUNBUFFERED="1",
            LOG_LEVEL="WARNING",
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.environment() | {"SECRET_KEY": "management-command"},
            check=True,
            capture_output=True,
        )

    def start(self) -> "ServeStack":
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        if self.migrate:
            self.manage("migrate", "--noinput", "--verbosity", "0")
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "honcho"), "-f", "Procfile", "start", "-p", str(self.port)],
            cwd=BASE_DIR,
            env=self.environment(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one process group: stop() ends all of it
        )
        self.wait_until_serving()
        return self

    def wait_until_serving(self) -> None:
        import requests

        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the stack exited early:\n{self.log()}")
            try:
                if requests.get(self.url("/healthz"), timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"the stack did not serve within {self.startup_timeout} s:\n{self.log()}"
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-20_000:]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._log.close()

    def __enter__(self) -> "ServeStack":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

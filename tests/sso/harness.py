"""A real OpenID Connect provider for the single sign-on tests: oidc-provider (a certified
Node.js implementation) started from tests/sso/provider/server.mjs on 127.0.0.1.

- ``oidc_provider`` (session-scoped fixture): the running provider, an :class:`OIDCProvider`.
  It starts with the clients of :data:`DEFAULT_CLIENTS` and the accounts of
  :data:`DEFAULT_ACCOUNTS`; tests add their own with ``add_account`` / ``add_client`` while it
  runs. Other test folders use it by importing it into their conftest.py:
  ``from tests.sso.harness import oidc_provider  # noqa: F401``.
- ``login_via_provider(session, start_url, account_id)``: signs in on the provider's page with
  ``requests`` and returns the provider's redirect back to the relying party (not followed).

Without Node.js or without ``npm ci --prefix tests/sso/provider`` the tests are skipped, except
with CI=true, where that fails them.
"""

import json
import os
import secrets
import selectors
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
SERVER = PROVIDER_DIR / "server.mjs"
READY_TIMEOUT = 20
READY_PREFIX = "listening "
RELYING_PARTY = "http://testserver"


def callback_url(provider_id: str, base_url: str = RELYING_PARTY) -> str:
    """The Academy's redirect URI for a provider (academy/urls.py: ``sso_callback``)."""
    return f"{base_url.rstrip('/')}/accounts/sso/{provider_id}/login/callback/"


DEFAULT_CLIENTS = [
    {
        "client_id": "org-a",
        "client_secret": "org-a-secret",
        "client_name": "Organisation A",
        "redirect_uris": [callback_url("org-a")],
    },
    {
        "client_id": "org-b",
        "client_secret": "org-b-secret",
        "client_name": "Organisation B",
        "redirect_uris": [callback_url("org-b")],
        "token_endpoint_auth_method": "client_secret_basic",
    },
]

DEFAULT_ACCOUNTS = {
    "anna": {
        "email": "anna@org-a.example",
        "email_verified": True,
        "name": "Anna de Vries",
        "given_name": "Anna",
        "family_name": "de Vries",
        "locale": "nl",
        "groups": ["academy-trainers"],
        "amr": ["pwd", "mfa"],
    },
    "bram": {
        "email": "bram@org-b.example",
        "email_verified": True,
        "name": "Bram Jansen",
        "given_name": "Bram",
        "family_name": "Jansen",
        "locale": "en",
        "groups": [],
        "amr": ["pwd"],
    },
}


class OIDCClient(NamedTuple):
    client_id: str
    client_secret: str


class ProviderUnavailable(Exception):
    pass


def account_claims(account_id: str, **claims) -> dict:
    """An account's claims: defaults for what is not given; a claim given as None is left out."""
    local = account_id.split("@")[0]
    defaults = {
        "email": f"{local}@org-a.example",
        "email_verified": True,
        "name": local.capitalize(),
        "given_name": local.capitalize(),
        "family_name": "Tester",
        "locale": "nl",
        "groups": [],
        "amr": ["pwd"],
    }
    merged = {**defaults, **claims}
    return {key: value for key, value in merged.items() if value is not None}


@dataclass
class OIDCProvider:
    """The running provider. ``issuer`` is its URL (``http://127.0.0.1:PORT``)."""

    issuer: str
    process: subprocess.Popen
    log_path: Path
    admin_token: str
    clients: dict[str, OIDCClient] = field(default_factory=dict)
    _configuration: dict | None = None
    _auth_methods: dict[str, str] = field(default_factory=dict)
    _final_log: str | None = None

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def configuration(self) -> dict:
        """The discovery document (fetched once)."""
        if self._configuration is None:
            import requests

            response = requests.get(self.discovery_url, timeout=10)
            response.raise_for_status()
            self._configuration = response.json()
        return self._configuration

    def client(self, client_id: str) -> OIDCClient:
        """(client_id, client_secret) of a configured client; KeyError for an unknown one."""
        return self.clients[client_id]

    def add_account(self, account_id: str, **claims) -> dict:
        """Adds (or replaces) an account that can sign in with ``account_id`` or its e-mail
        address; returns its claims (defaults filled in, see :func:`account_claims`)."""
        stored = account_claims(account_id, **claims)
        self._post("/__test__/accounts", {"account_id": account_id, "claims": stored})
        return stored

    def add_client(
        self,
        client_id: str,
        *,
        redirect_uris: list[str],
        client_secret: str | None = None,
        token_endpoint_auth_method: str = "client_secret_post",
        client_name: str | None = None,
    ) -> OIDCClient:
        """Adds (or replaces) a client, e.g. one whose redirect URI is on a live server."""
        secret = client_secret or secrets.token_urlsafe(24)
        self._post(
            "/__test__/clients",
            {
                "client_id": client_id,
                "client_secret": secret,
                "redirect_uris": list(redirect_uris),
                "token_endpoint_auth_method": token_endpoint_auth_method,
                "client_name": client_name or client_id,
            },
        )
        self.clients[client_id] = OIDCClient(client_id, secret)
        return self.clients[client_id]

    def authorize_url(
        self,
        client_id: str,
        redirect_uri: str,
        *,
        scope: str = "openid email profile",
        state: str | None = None,
        nonce: str | None = None,
        **params,
    ) -> str:
        """An authorisation request URL (response_type=code); extra params as given."""
        query = {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": scope,
            "state": state or secrets.token_urlsafe(16),
            "nonce": nonce or secrets.token_urlsafe(16),
            **params,
        }
        return f"{self.configuration['authorization_endpoint']}?{urlencode(query)}"

    def exchange_code(self, client_id: str, code: str, redirect_uri: str, **params) -> dict:
        """The token endpoint's JSON answer for an authorisation code (raises on an error),
        with the client's registered authentication method (post by default)."""
        import requests

        client = self.clients[client_id]
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            **params,
        }
        auth = None
        if self._auth_methods.get(client_id) == "client_secret_basic":
            auth = (client.client_id, client.client_secret)
        else:
            data.update(client_id=client.client_id, client_secret=client.client_secret)
        response = requests.post(
            self.configuration["token_endpoint"], data=data, auth=auth, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def verify_id_token(self, id_token: str, client_id: str) -> dict:
        """The ID token's claims after checking signature (JWKS), issuer, audience, expiry."""
        import jwt

        jwks = jwt.PyJWKClient(self.configuration["jwks_uri"])
        key = jwks.get_signing_key_from_jwt(id_token)
        return jwt.decode(
            id_token, key.key, algorithms=["RS256"], audience=client_id, issuer=self.issuer
        )

    def log(self) -> str:
        """What the provider wrote on stderr (errors of its own end up here)."""
        if self._final_log is not None:
            return self._final_log
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """SIGTERM (SIGKILL after 5 s), then removes its configuration and log files."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process.stdout:
            self.process.stdout.close()
        if self._final_log is None:
            self._final_log = self.log()
            shutil.rmtree(self.log_path.parent, ignore_errors=True)

    def _post(self, path: str, payload: dict) -> None:
        import requests

        response = requests.post(
            f"{self.issuer}{path}",
            json=payload,
            headers={"Authorization": f"Bearer {self.admin_token}"},
            timeout=10,
        )
        if response.status_code != 204:
            raise AssertionError(f"{path}: {response.status_code} {response.text}")
        if path == "/__test__/clients":
            self._auth_methods[payload["client_id"]] = payload["token_endpoint_auth_method"]


def unavailable_reason() -> str | None:
    """Why the provider cannot start here, or None."""
    if not shutil.which("node"):
        return "Node.js (node) is not installed"
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return "oidc-provider is not installed: run `npm ci --prefix tests/sso/provider`"
    return None


def start_provider(clients: list[dict] | None = None, accounts: dict | None = None) -> OIDCProvider:
    """Starts the provider and waits for its ready line; the caller stops it (``.stop()``)."""
    reason = unavailable_reason()
    if reason:
        raise ProviderUnavailable(reason)
    clients = DEFAULT_CLIENTS if clients is None else clients
    accounts = DEFAULT_ACCOUNTS if accounts is None else accounts
    workdir = Path(tempfile.mkdtemp(prefix="academy-oidc-"))
    admin_token = secrets.token_urlsafe(32)
    config_path = workdir / "config.json"
    config_path.write_text(
        json.dumps({"admin_token": admin_token, "clients": clients, "accounts": accounts})
    )
    log_path = workdir / "provider.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [shutil.which("node"), str(SERVER), str(config_path), "0"],
            cwd=PROVIDER_DIR,
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "NODE_ENV": "test"},
        )
    provider = OIDCProvider(issuer="", process=process, log_path=log_path, admin_token=admin_token)
    try:
        provider.issuer = _wait_until_ready(process, log_path)
    except BaseException:
        provider.stop()
        raise
    for client in clients:
        provider.clients[client["client_id"]] = OIDCClient(
            client["client_id"], client["client_secret"]
        )
        provider._auth_methods[client["client_id"]] = client.get(
            "token_endpoint_auth_method", "client_secret_post"
        )
    return provider


def _wait_until_ready(process: subprocess.Popen, log_path: Path) -> str:
    deadline = time.monotonic() + READY_TIMEOUT
    line = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(timeout=left):
                raise ProviderUnavailable(
                    f"the OpenID Connect provider did not start within {READY_TIMEOUT} s:\n"
                    + log_path.read_text(errors="replace")
                )
            chunk = os.read(process.stdout.fileno(), 1)
            if not chunk:
                raise ProviderUnavailable(
                    f"the OpenID Connect provider exited ({process.wait()}):\n"
                    + log_path.read_text(errors="replace")
                )
            line += chunk
    text = line.decode().strip()
    if not text.startswith(READY_PREFIX):
        raise ProviderUnavailable(f"unexpected first line from the provider: {text!r}")
    return text.removeprefix(READY_PREFIX)


def start_provider_or_skip(
    clients: list[dict] | None = None, accounts: dict | None = None
) -> OIDCProvider:
    """:func:`start_provider`, or skip the test when it cannot run here (fail with CI=true)."""
    try:
        return start_provider(clients, accounts)
    except ProviderUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {error}", pytrace=False)
        pytest.skip(str(error))


@pytest.fixture(scope="session")
def oidc_provider():
    provider = start_provider_or_skip()
    try:
        yield provider
    finally:
        provider.stop()


class _Forms(HTMLParser):
    """The forms of a page: action, method and the fields a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": attrs.get("action") or "",
                    "method": (attrs.get("method") or "get").lower(),
                    "fields": {},
                    "buttons": [],
                }
            )
        elif self.forms and tag == "input" and attrs.get("name"):
            if attrs.get("type") in ("submit", "button"):
                self.forms[-1]["buttons"].append((attrs["name"], attrs.get("value") or ""))
            else:
                self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif self.forms and tag == "button" and attrs.get("name"):
            self.forms[-1]["buttons"].append((attrs["name"], attrs.get("value") or ""))


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def login_via_provider(
    session, start_url: str, account_id: str, *, cancel: bool = False, max_steps: int = 12
):
    """Signs in as ``account_id`` (account id or e-mail address) on the provider.

    ``start_url`` is the authorisation request (e.g. the Location of the Academy's redirect to
    the provider). Follows the provider's redirects, submits its sign-in form (and a consent form,
    should one appear) and returns the first response whose redirect leaves the provider: its
    ``headers["Location"]`` is the relying party's callback URL with ``code`` and ``state``.
    A page without such a redirect (the provider's error page, "Unknown account.") is
    returned as it is. With ``cancel=True`` the person presses "Cancel" instead: the redirect
    then carries ``error=access_denied``.
    """
    provider_origin = _origin(start_url)
    response = session.get(start_url, allow_redirects=False, timeout=10)
    for _ in range(max_steps):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if _origin(location) != provider_origin:
                return response
            response = session.get(location, allow_redirects=False, timeout=10)
            continue
        parser = _Forms()
        parser.feed(response.text)
        form = next((f for f in parser.forms if f["method"] == "post"), None)
        if response.status_code != 200 or form is None:
            return response
        data = dict(form["fields"])
        buttons = form["buttons"]
        if "login" in data:
            data["login"] = account_id
            if cancel:
                buttons = [button for button in buttons if button[1] == "cancel"]
        data.update(buttons[:1])
        action = urljoin(response.url, form["action"])
        response = session.post(action, data=data, allow_redirects=False, timeout=10)
        if not response.is_redirect and "login" in data:
            # The sign-in form again (unknown account): stop here rather than loop.
            return response
    raise AssertionError(f"no redirect back to the relying party after {max_steps} steps")

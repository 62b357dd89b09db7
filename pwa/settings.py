"""One frozen Settings object, read from the environment (and `.env`), never a global."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


class SettingsError(RuntimeError):
    """The configuration is unsafe or incomplete; the message says what to set."""


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a `.env` file; the real environment wins over it."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def _local_secret_key(var_dir: Path) -> str:
    """A secret kept in var/ so that local sessions survive a restart."""
    path = var_dir / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything the app needs to know about where and how it runs."""

    database_url: str
    secret_key: str
    base_url: str = "http://localhost:8000"
    demo: bool = False
    production: bool = False
    var_dir: Path = PROJECT_ROOT / "var"
    default_locale: str = "pl"
    timezone: str = "Europe/Warsaw"
    # Sessions: idle timeout and absolute lifetime, in seconds.
    session_idle_timeout: int = 60 * 60 * 8  # 8 hours
    session_max_age: int = 60 * 60 * 24 * 14  # 14 days
    # Background work inside the app process (reminders); tests switch it off.
    run_background_jobs: bool = True
    # Push endpoints on loopback are accepted only when a test says so.
    push_allow_loopback: bool = False
    vapid_private_key: str = ""
    vapid_public_key: str = ""
    vapid_subject: str = "mailto:asysta@localhost"
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def base_host(self) -> str:
        return urlsplit(self.base_url).hostname or "localhost"

    @property
    def rp_id(self) -> str:
        """The WebAuthn relying party: the host of the public base URL."""
        return self.base_host

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def secure_cookies(self) -> bool:
        """Cookies are Secure everywhere except plain-HTTP localhost."""
        return not (urlsplit(self.base_url).scheme == "http" and self.base_host in LOCAL_HOSTS)

    @property
    def behind_tls(self) -> bool:
        return urlsplit(self.base_url).scheme == "https"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read ASYSTA_* variables (and `.env` beside the project), then check they are safe."""
        env = {
            **_read_dotenv(PROJECT_ROOT / ".env"),
            **(os.environ if environ is None else environ),
        }
        var_dir = Path(env.get("ASYSTA_VAR_DIR") or PROJECT_ROOT / "var")
        production = env.get("ASYSTA_ENV", "development").strip().lower() == "production"
        secret_key = env.get("ASYSTA_SECRET_KEY", "").strip()
        if not secret_key:
            if production:
                raise SettingsError(
                    "ASYSTA_SECRET_KEY is required in production: set it to a long random "
                    "value (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
                )
            secret_key = _local_secret_key(var_dir)
        database_url = env.get("ASYSTA_DATABASE_URL") or f"sqlite:///{var_dir / 'asysta.sqlite3'}"
        values: dict[str, object] = {
            "database_url": database_url,
            "secret_key": secret_key,
            "base_url": env.get("ASYSTA_BASE_URL", "http://localhost:8000").rstrip("/"),
            "demo": _flag(env.get("ASYSTA_DEMO")),
            "production": production,
            "var_dir": var_dir,
            "vapid_private_key": env.get("ASYSTA_VAPID_PRIVATE_KEY", ""),
            "vapid_public_key": env.get("ASYSTA_VAPID_PUBLIC_KEY", ""),
            "vapid_subject": env.get("ASYSTA_VAPID_SUBJECT", "mailto:asysta@localhost"),
        }
        if "ASYSTA_RUN_BACKGROUND_JOBS" in env:
            # Off when reminders are sent by `asysta reminders run` from cron instead.
            values["run_background_jobs"] = _flag(env["ASYSTA_RUN_BACKGROUND_JOBS"])
        if "ASYSTA_SESSION_IDLE_TIMEOUT" in env:
            values["session_idle_timeout"] = int(env["ASYSTA_SESSION_IDLE_TIMEOUT"])
        if "ASYSTA_SESSION_MAX_AGE" in env:
            values["session_max_age"] = int(env["ASYSTA_SESSION_MAX_AGE"])
        values.update(overrides)
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse configurations that would be unsafe for real families' data."""
        if not self.production:
            return
        if self.is_sqlite and self.base_host not in LOCAL_HOSTS:
            raise SettingsError(
                "SQLite is only for a local demo: in production on "
                f"{self.base_host} set ASYSTA_DATABASE_URL to a PostgreSQL database."
            )
        if self.demo:
            raise SettingsError("ASYSTA_DEMO=1 is not allowed together with ASYSTA_ENV=production.")
        if len(self.secret_key) < 32:
            raise SettingsError("ASYSTA_SECRET_KEY must be at least 32 characters long.")

"""Settings come from the environment, and unsafe production setups are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from pwa.settings import Settings, SettingsError


def test_local_defaults_use_sqlite_under_var_and_generate_a_secret(tmp_path: Path):
    settings = Settings.from_env({"ASYSTA_VAR_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'asysta.sqlite3'}"
    assert len(settings.secret_key) >= 32
    assert (tmp_path / "secret_key").read_text() == settings.secret_key
    assert Settings.from_env({"ASYSTA_VAR_DIR": str(tmp_path)}).secret_key == settings.secret_key


def test_production_without_a_secret_key_refuses_to_start(tmp_path: Path):
    with pytest.raises(SettingsError, match="ASYSTA_SECRET_KEY"):
        Settings.from_env(
            {
                "ASYSTA_ENV": "production",
                "ASYSTA_VAR_DIR": str(tmp_path),
                "ASYSTA_DATABASE_URL": "postgresql+psycopg://db/asysta",
            }
        )


def test_production_on_sqlite_at_a_public_address_refuses_to_start(tmp_path: Path):
    with pytest.raises(SettingsError, match="PostgreSQL"):
        Settings.from_env(
            {
                "ASYSTA_ENV": "production",
                "ASYSTA_SECRET_KEY": "k" * 48,
                "ASYSTA_BASE_URL": "https://asysta.ops.example.pl",
                "ASYSTA_VAR_DIR": str(tmp_path),
            }
        )


def test_production_with_postgres_and_a_secret_starts(tmp_path: Path):
    settings = Settings.from_env(
        {
            "ASYSTA_ENV": "production",
            "ASYSTA_SECRET_KEY": "k" * 48,
            "ASYSTA_BASE_URL": "https://asysta.ops.example.pl",
            "ASYSTA_DATABASE_URL": "postgresql+psycopg://asysta@db/asysta",
            "ASYSTA_VAR_DIR": str(tmp_path),
        }
    )
    assert settings.secure_cookies and settings.behind_tls
    assert settings.rp_id == "asysta.ops.example.pl"


def test_cookies_are_secure_except_on_plain_http_localhost(tmp_path: Path):
    local = Settings.from_env({"ASYSTA_VAR_DIR": str(tmp_path)})
    assert not local.secure_cookies
    public = Settings.from_env(
        {"ASYSTA_VAR_DIR": str(tmp_path), "ASYSTA_BASE_URL": "http://asysta.example.pl"}
    )
    assert public.secure_cookies


def test_settings_are_frozen(tmp_path: Path):
    settings = Settings.from_env({"ASYSTA_VAR_DIR": str(tmp_path)})
    with pytest.raises(AttributeError):
        settings.demo = True  # type: ignore[misc]

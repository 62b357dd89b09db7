"""The VAPID key pair: from the settings, else generated once into var/ (never in production)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from pwa.reminders.vapid import VapidKeyError, generate_private_key, vapid_keys
from pwa.settings import Settings


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40, var_dir=tmp_path, **values)  # type: ignore[arg-type]


def test_local_keys_are_generated_once_into_var_and_kept(tmp_path: Path):
    first = vapid_keys(_settings(tmp_path))
    assert (tmp_path / "vapid_private_key").read_text() == first.private_key
    assert vapid_keys(_settings(tmp_path)) == first
    assert len(first.public_key) == 87  # base64url of a 65-byte uncompressed P-256 point


def test_processes_starting_at_once_agree_on_one_local_key(tmp_path: Path):
    start = threading.Barrier(8)
    found: list[str] = []

    def read() -> None:
        start.wait(30)
        found.append(vapid_keys(_settings(tmp_path)).private_key)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(found) == 8 and len(set(found)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["vapid_private_key"]


def test_configured_keys_win_and_must_belong_together(tmp_path: Path):
    private = generate_private_key()
    keys = vapid_keys(
        _settings(tmp_path, vapid_private_key=private, vapid_subject="https://ops.example.pl")
    )
    assert keys.private_key == private and keys.subject == "https://ops.example.pl"
    assert not (tmp_path / "vapid_private_key").exists()
    both = _settings(tmp_path, vapid_private_key=private, vapid_public_key=keys.public_key)
    assert vapid_keys(both).public_key == keys.public_key
    other = vapid_keys(_settings(tmp_path / "other"))
    with pytest.raises(VapidKeyError):
        vapid_keys(
            _settings(tmp_path, vapid_private_key=private, vapid_public_key=other.public_key)
        )


def test_production_needs_configured_keys(tmp_path: Path):
    with pytest.raises(VapidKeyError, match="ASYSTA_VAPID_PRIVATE_KEY"):
        vapid_keys(_settings(tmp_path, production=True))

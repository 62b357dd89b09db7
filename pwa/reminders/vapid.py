"""The app's VAPID key pair: from the settings, or generated once into var/ for local use.

Push services only deliver to a subscription made with the same public key, so the key pair
must not change under a running deployment: set ASYSTA_VAPID_PRIVATE_KEY (base64url of the
raw 32-byte key) and ASYSTA_VAPID_PUBLIC_KEY on every server of a production setup.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from pwa.settings import Settings

PRIVATE_KEY_FILE = "vapid_private_key"


class VapidKeyError(RuntimeError):
    """The configured VAPID keys are malformed or do not belong together."""


@dataclass(frozen=True)
class VapidKeys:
    """The private key (base64url, raw 32 bytes), its public key and the `sub` claim."""

    private_key: str
    public_key: str  # base64url of the uncompressed point: the applicationServerKey
    subject: str

    def signer(self) -> Vapid02:
        return Vapid02.from_raw(self.private_key.encode())


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _public_of(private_key: str) -> str:
    try:
        vapid = Vapid02.from_string(private_key)
    except Exception as error:
        raise VapidKeyError(f"ASYSTA_VAPID_PRIVATE_KEY cannot be read: {error}") from None
    point = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


def _raw_private(vapid: Vapid02) -> str:
    number = vapid.private_key.private_numbers().private_value
    return b64url(number.to_bytes(32, "big"))


def generate_private_key() -> str:
    """A new P-256 private key, base64url of its raw 32 bytes (generated with py_vapid)."""
    vapid = Vapid02()
    vapid.generate_keys()
    return _raw_private(vapid)


def _local_private_key(var_dir: Path) -> str:
    """The key kept in var/, created on first use; concurrent first uses agree on one key."""
    path = var_dir / PRIVATE_KEY_FILE
    if not path.is_file():
        var_dir.mkdir(parents=True, exist_ok=True)
        draft = var_dir / f".{PRIVATE_KEY_FILE}.{secrets.token_hex(8)}"
        draft.write_text(generate_private_key(), encoding="utf-8")
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # atomic: the first process to link wins, others read its key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


def vapid_keys(settings: Settings) -> VapidKeys:
    """The key pair from the settings, or (not in production) the local one in var/."""
    private_key = settings.vapid_private_key.strip()
    if not private_key:
        if settings.production:
            raise VapidKeyError(
                "ASYSTA_VAPID_PRIVATE_KEY is required in production (the same on every server): "
                "python -c 'from pwa.reminders.vapid import generate_private_key as g; print(g())'"
            )
        private_key = _local_private_key(settings.var_dir)
    public_key = _public_of(private_key)
    configured = settings.vapid_public_key.strip()
    if configured and configured.rstrip("=") != public_key:
        raise VapidKeyError("ASYSTA_VAPID_PUBLIC_KEY does not belong to ASYSTA_VAPID_PRIVATE_KEY.")
    if len(b64url_decode(private_key)) != 32:
        private_key = _raw_private(Vapid02.from_string(private_key))
    return VapidKeys(private_key=private_key, public_key=public_key, subject=settings.vapid_subject)


def public_key_is_valid(public_key: bytes) -> bool:
    """True for an uncompressed P-256 point (what a browser sends as `p256dh`)."""
    if len(public_key) != 65 or public_key[0] != 4:
        return False
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public_key)
    except ValueError:
        return False
    return True

"""The registry's Ed25519 signing key: one private key in a file, its public key for anyone.

The key signs the hash chain's checkpoints and each case file's manifest. It is created on
first use with mode 0600 (never readable by other users) and never leaves its file; the public
key and its id (the first 16 hex digits of the SHA-256 of the raw 32-byte public key) are
published with every signature.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


class SigningKey:
    """The private key of a key file, created (mode 0600) when the file does not exist yet."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.public_raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.key_id = key_id(self.public_raw)

    @classmethod
    def open(cls, path: str | Path) -> SigningKey:
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return cls._create(path)
        private = serialization.load_pem_private_key(data, password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError(f"{path} holds no Ed25519 private key")
        return cls(private)

    @classmethod
    def _create(cls, path: Path) -> SigningKey:
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:  # another process created it first: use that one
            return cls.open(path)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        return cls(private)

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    @property
    def public_pem(self) -> str:
        return public_pem(self.public_raw)

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode()


def public_pem(public_raw: bytes) -> str:
    key = Ed25519PublicKey.from_public_bytes(public_raw)
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def valid_signature(public_raw: bytes, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is the Ed25519 signature of ``message`` by ``public_raw``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True

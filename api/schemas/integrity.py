"""Signed checkpoints of the hash chain and the verification of the record."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class CheckpointItem(BaseModel):
    position: int = Field(description="the last event the checkpoint covers")
    head_hash: str = Field(description="the chain hash at that position (SHA-256, hex)")
    signed_at: str = Field(description="when it was signed (UTC, ISO 8601)")
    signature: str = Field(description="Ed25519 signature of the checkpoint message, base64")
    key_id: str = Field(description="first 16 hex digits of SHA-256 of the raw public key")
    public_key: str = Field(description="the raw 32-byte Ed25519 public key, base64")
    algorithm: Literal["Ed25519"]
    message: str = Field(description="the exact text that was signed (UTF-8)")


class CheckpointPage(BaseModel):
    items: list[CheckpointItem]
    next_cursor: str | None


class VerificationReport(BaseModel):
    ok: bool
    events: int = Field(description="events whose chain hash was recomputed")
    last_position: int
    last_checkpoint: int | None
    bad_position: int | None = Field(description="the first position found altered")
    problem: str | None
    views_checked: int | None = Field(description="read model rows compared (with views=true)")
    views_problem: str | None
    summary: str

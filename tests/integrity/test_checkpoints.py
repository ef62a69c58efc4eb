"""Signed checkpoints: the registry signs its chain head with a key only it can read, on a
schedule and on demand, and anyone can check a checkpoint with the public key."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry.adapters.checkpoints import Checkpoints
from registry.adapters.signing import SigningKey
from registry.bootstrap import Services
from registry.demo.generate import generate


def test_the_signing_key_is_created_on_first_use_readable_by_its_owner_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "keys" / "signing-key.pem"
    key = SigningKey.open(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = SigningKey.open(path)
    assert again.public_raw == key.public_raw and len(key.key_id) == 16
    assert key.public_pem.startswith("-----BEGIN PUBLIC KEY-----")


def test_a_checkpoint_is_a_signature_over_the_chain_head_anyone_can_check(
    services: Services,
) -> None:
    assert services.checkpoints.sign() is None  # an empty log has nothing to sign
    generate(services.registry, 50)
    checkpoint = services.checkpoints.sign()
    assert checkpoint is not None
    assert checkpoint.position == services.registry.store.head()
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(checkpoint.public_key))
    public.verify(base64.b64decode(checkpoint.signature), checkpoint.message())  # no exception
    assert (
        checkpoint.message()
        .decode()
        .startswith(f"training-registry checkpoint\nposition {checkpoint.position}\nhead ")
    )
    assert services.checkpoints.sign() == checkpoint  # nothing new: nothing signed again


def test_a_checkpoint_is_due_every_so_many_events_and_after_a_while_with_new_events(
    services: Services,
) -> None:
    key = services.settings.signing_key_path()

    def every(events: int, seconds: float = 3600) -> Checkpoints:
        return Checkpoints(services.engine, key, events, seconds)

    generate(services.registry, 20)
    assert every(10_000).due()  # no checkpoint at all yet
    signed = every(10_000).sign()
    assert signed is not None
    generate(services.registry, 30, seed=8)
    gap = services.registry.store.head() - signed.position
    assert not every(gap + 1).due()
    assert every(gap).due()
    assert every(10_000, seconds=0).due()  # events arrived since the last checkpoint
    every(gap).sign()
    assert not every(10_000, seconds=0).due()  # and none since this one


def test_checkpoints_are_listed_latest_first_a_page_at_a_time(services: Services) -> None:
    signed = []
    for seed in (1, 2, 3):
        generate(services.registry, 10, seed=seed)
        checkpoint = services.checkpoints.sign()
        assert checkpoint is not None
        signed.append(checkpoint.position)
    first = services.checkpoints.page(limit=2)
    assert [c.position for c in first] == signed[::-1][:2]
    rest = services.checkpoints.page(limit=2, before=first[-1].position)
    assert [c.position for c in rest] == signed[:1]


def test_the_projector_runner_signs_a_checkpoint_when_one_is_due(services: Services) -> None:
    import time

    from registry.runner import ProjectorRunner

    services.checkpoints.every_events = 20
    runner = ProjectorRunner(services, poll=0.05)
    runner.start()
    try:
        generate(services.registry, 60)
        head = services.registry.store.head()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            latest = services.checkpoints.latest()
            if latest is not None and latest.position == head:
                break
            time.sleep(0.1)
    finally:
        runner.stop()
    assert latest is not None and latest.position == head
    assert runner.error is None

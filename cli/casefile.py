"""``registry export-case`` and ``registry verify-case``: the court case file on disk."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from cli.common import OPERATOR, CliError, open_services
from cli.remote import ServerOption


def write_exclusively(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` through a new temporary file in the same directory.

    The temporary file is created exclusively (``O_CREAT | O_EXCL``, a random name), so no
    existing file or symlink is ever opened or followed; it is synced and then renamed over
    ``out``, so ``out`` is either the whole file or untouched.
    """
    fd, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as partial:
            partial.write(data)
            partial.flush()
            os.fsync(partial.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_case(
    case_id: Annotated[UUID, typer.Argument(help="The refund case's id (UUID).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the ZIP.", dir_okay=False)],
    position: Annotated[
        int | None,
        typer.Option(
            min=1, help="Export the case as the log stood at this position (default: now)."
        ),
    ] = None,
    server: ServerOption = None,
) -> None:
    """Write a refund case's court case file (ZIP: index.pdf, ledger.csv, events.json,
    manifest.json, manifest.sig, public-key.pem, SHA256SUMS, README.txt).

    The export is recorded on the case (CaseFileExported, with the manifest's SHA-256) only
    once the file is completely written; the same case at the same position always gives the
    same bytes. With --server the server exports it (and records that as it answers); with
    --position too, the file is read at that position and nothing is recorded.
    """
    if not out.parent.is_dir():
        raise CliError(f"no directory {out.parent} to write the case file into")
    if server is not None:
        from cli.remote import remote_client

        with remote_client(server) as client:
            if position is None:
                archive, sha256, at = client.export_case_file(case_id)
            else:
                archive, sha256, at = client.case_file(case_id, position=position)
        try:
            write_exclusively(out, archive)
        except OSError as e:
            raise CliError(f"could not write {out}: {e.strerror or e}") from None
        typer.echo(
            f"wrote {out} ({len(archive):,} bytes) at position {at}; manifest sha256 {sha256}"
        )
        return
    with open_services() as services:
        case_file = services.registry.prepare_case_file_export(OPERATOR, case_id, position)
        try:
            write_exclusively(out, case_file.archive)
        except OSError as e:
            raise CliError(f"could not write {out}: {e.strerror or e}; nothing recorded") from None
        services.registry.record_case_file_export(OPERATOR, case_file)
    typer.echo(
        f"wrote {out} ({len(case_file.archive):,} bytes) at position {case_file.position}; "
        f"manifest sha256 {case_file.manifest_sha256}"
    )


def verify_case(
    path: Annotated[Path, typer.Argument(help="The case file (ZIP).", dir_okay=False)],
    offline: Annotated[
        bool, typer.Option("--offline", help="Check the file alone, not against the registry.")
    ] = False,
) -> None:
    """Check a case file: SHA256SUMS, every digest in manifest.json, manifest.sig, the
    checkpoint's signature and, unless --offline, that the signing key, the chain hash and the
    checkpoint are the registry's own. Exit 1 naming each problem."""
    from registry.casefile.seal import verify_archive

    try:
        archive = path.read_bytes()
    except OSError as e:
        raise CliError(f"could not read {path}: {e.strerror or e}") from None
    manifest, problems = verify_archive(archive)
    if not problems and not offline:
        problems = against_registry(manifest)
    if problems:
        for problem in problems:
            typer.echo(f"FAILED: {problem}", err=True)
        raise typer.Exit(1)
    checkpoint = manifest.get("checkpoint") or {}
    typer.echo(
        f"{path.name} verified: case {manifest['case_id']} at position {manifest['position']}, "
        f"signed by key {manifest['signature']['key_id']}, checkpoint at "
        f"{checkpoint.get('position', 'none')}; personal data {manifest['personal_data']}"
    )


def against_registry(manifest: dict[str, object]) -> list[str]:
    """What in the manifest the registry's own key, chain and checkpoints contradict."""
    from registry.adapters.chain_log import chain_hash_at

    problems = []
    with open_services() as services:
        key_id = services.checkpoints.key.key_id
        signature = manifest.get("signature")
        if not isinstance(signature, dict) or signature.get("key_id") != key_id:
            problems.append(f"the manifest is not signed by the registry's key {key_id}")
        chain = manifest.get("chain")
        if isinstance(chain, dict):
            here = chain_hash_at(services.engine, int(chain["position"]))
            if here is None or here.hex() != chain["hash"]:
                problems.append(
                    f"the registry's chain hash at position {chain['position']} differs"
                )
        checkpoint = manifest.get("checkpoint")
        if isinstance(checkpoint, dict):
            ours = services.checkpoints.at(int(checkpoint["position"]))
            if ours is None or ours.signature != checkpoint["signature"]:
                problems.append(
                    f"the registry has no such checkpoint at position {checkpoint['position']}"
                )
    return problems

"""The case file stands on its own before a court: every font embedded, every file checked by
SHA256SUMS, the manifest signed, the chain hash and a signed checkpoint in it, and a README
that says how to check all of it offline."""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from registry.adapters.chain_log import chain_hash_at
from registry.casefile.seal import verify_archive

if TYPE_CHECKING:
    from conftest import CaseFile, Dispute


def unpack(case_file: CaseFile, folder: Path) -> Path:
    case_file.zip.extractall(folder)
    return folder


needs = pytest.mark.skipif


@needs(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is not installed")
def test_every_font_of_the_index_is_embedded(dispute: Dispute, tmp_path: Path) -> None:
    pdf = unpack(dispute.case_file(), tmp_path) / "index.pdf"
    listing = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    fonts = listing[2:]
    assert fonts, listing
    for line in fonts:
        name, emb = line.split()[0], line.split()[-5]
        assert emb == "yes", f"{name} is not embedded: {line}"
        assert "NotoSans" in name


def test_sha256sum_checks_every_file(dispute: Dispute, tmp_path: Path) -> None:
    folder = unpack(dispute.case_file(), tmp_path)
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    assert sorted(line.split("  ")[1] for line in sums) == sorted(
        n for n in dispute.case_file().zip.namelist() if n != "SHA256SUMS"
    )
    if shutil.which("sha256sum"):
        check = subprocess.run(
            ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert check.stdout.count(": OK") == len(sums)


def test_the_manifest_signature_verifies_with_openssl_and_the_published_key(
    dispute: Dispute, tmp_path: Path
) -> None:
    case_file = dispute.case_file()
    folder = unpack(case_file, tmp_path)
    key = dispute.services.checkpoints.key
    assert (folder / "public-key.pem").read_text() == key.public_pem
    assert case_file.manifest["signature"]["key_id"] == key.key_id
    published = dispute.client.get("/v1/public/checkpoints").json()["items"]
    assert {c["key_id"] for c in published} == {key.key_id}
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    verified = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "public-key.pem", "-rawin"]
        + ["-in", "manifest.json", "-sigfile", "manifest.sig"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Signature Verified Successfully" in verified.stdout
    (folder / "manifest.json").write_bytes(case_file.files["manifest.json"].replace(b"1", b"2"))
    forged = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "public-key.pem", "-rawin"]
        + ["-in", "manifest.json", "-sigfile", "manifest.sig"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert forged.returncode != 0


def test_the_manifest_carries_the_chain_hash_and_a_signed_checkpoint_covering_the_file(
    dispute: Dispute,
) -> None:
    case_file = dispute.case_file()
    manifest = case_file.manifest
    chain, checkpoint = manifest["chain"], manifest["checkpoint"]
    stored = chain_hash_at(dispute.services.engine, case_file.position)
    assert stored is not None
    assert chain == {"position": case_file.position, "hash": stored.hex()}
    assert checkpoint["position"] >= case_file.position
    assert checkpoint["message"].startswith("training-registry checkpoint\n")
    key = dispute.services.checkpoints.key
    assert checkpoint["public_key"] == base64.b64encode(key.public_raw).decode()
    assert chain["hash"] in case_file.text and str(checkpoint["position"]) in case_file.text


def test_the_readme_tells_a_court_how_to_verify_offline_in_chinese_and_english(
    dispute: Dispute,
) -> None:
    readme = dispute.case_file().files["README.txt"].decode("utf-8")
    assert "离线核验" in readme and "how to verify it offline" in readme
    assert "sha256sum -c SHA256SUMS" in readme
    assert "openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin" in readme
    assert "load_pem_public_key" in readme


def test_the_offline_check_passes_and_names_what_was_altered(dispute: Dispute) -> None:
    archive = dispute.case_file().archive
    assert verify_archive(archive)[1] == []

    def altered(name: str, change: bytes) -> bytes:
        source = zipfile.ZipFile(io.BytesIO(archive))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.namelist():
                data = source.read(item)
                target.writestr(item, data + change if item == name else data)
        return out.getvalue()

    assert any("ledger.csv" in p for p in verify_archive(altered("ledger.csv", b"x"))[1])
    problems = verify_archive(altered("manifest.json", b" "))[1]
    assert any("manifest.sig is not a valid signature" in p for p in problems)


def test_reading_a_case_file_records_nothing_and_gives_the_bytes_of_its_export(
    dispute: Dispute,
) -> None:
    exported = dispute.case_file()
    head = dispute.head()
    read = dispute.fetch(position=exported.position)
    assert read.status_code == 200
    assert read.content == exported.archive
    assert read.headers["X-Registry-Position"] == str(exported.position)
    assert dispute.fetch().status_code == 200
    assert dispute.head() == head
    assert exported.answer.status_code == 201
    assert (
        hashlib.sha256(exported.files["manifest.json"]).hexdigest()
        == (exported.answer.headers["X-Manifest-SHA256"])
    )


def test_the_index_carries_what_pdf_a_2b_asks_beyond_its_fonts(dispute: Dispute) -> None:
    case_file = dispute.case_file()
    root = case_file.pdf.trailer["/Root"]
    metadata = root["/Metadata"].get_object()
    assert "/Filter" not in metadata
    xmp = metadata.get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert case_file.pdf.metadata.title in xmp
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"
    links = [a.get_object() for page in case_file.pdf.pages for a in page.get("/Annots", [])]
    assert links and all(a["/F"] == 4 for a in links)  # printable
    assert b"/URI" not in case_file.files["index.pdf"]  # nothing outside the file

"""The case file's seal: SHA256SUMS, a detached Ed25519 signature of manifest.json, the public
key, a README telling a court how to check all of it offline, and that check itself.

``manifest.json`` lists every other file's SHA-256, the chain hash of the event log at the
file's position and the signed checkpoint covering it; ``manifest.sig`` is the registry's
Ed25519 signature over the exact bytes of manifest.json; ``public-key.pem`` is the key that
made it (its id, the first 16 hex digits of SHA-256 of the raw 32-byte key, is published with
every checkpoint); ``SHA256SUMS`` lets ``sha256sum -c SHA256SUMS`` check every file at once.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Signer(Protocol):
    """The registry's signing key, as the case file needs it."""

    @property
    def key_id(self) -> str: ...

    @property
    def public_pem(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...


README = """\
退费案件卷宗 — 离线核验说明
================================

本压缩包由校外培训机构监管登记系统导出，内容为退费案件在事件日志第 {position} 位时的状态。
核验无需联网，也无需本系统：

1. 文件完整性：在解压目录中运行
       sha256sum -c SHA256SUMS
   每个文件都应显示“成功/OK”。
2. 清单签名：manifest.json 载明各文件的 SHA-256、日志位置 {position} 处的链哈希，以及覆盖该位置的
   已签名检查点；manifest.sig 是登记系统 Ed25519 私钥对 manifest.json 原始字节的签名。运行
       {openssl}
   应显示 "Signature Verified Successfully"（需 OpenSSL 3.0 及以上）。
3. 公钥身份：public-key.pem 的密钥编号为 {key_id}（原始 32 字节公钥的 SHA-256 前 16 位十六进制）。
   请与登记系统公开的检查点（GET /v1/public/checkpoints 的 key_id、public_key）
   或其运营方提供的公钥比对。
4. 检查点：manifest.json 中 checkpoint.message 是签名的原文（UTF-8），checkpoint.signature 是其
   Base64 编码的 Ed25519 签名；该检查点亦在登记系统公开发布，可与他人留存的副本比对。
5. 导出记录：manifest.json 自身的 SHA-256 已记入本案的“导出卷宗”(CaseFileExported) 事件。
6. 个人信息：{personal_zh}

Refund case file — how to verify it offline
===========================================

This archive was exported by the register of off-campus training institutions and shows the
refund case as the event log stood at position {position}. Verifying it needs no network and
no access to the registry:

1. Integrity of the files: in the unpacked folder run
       sha256sum -c SHA256SUMS
   and every file must say OK.
2. Signature of the manifest: manifest.json lists every file's SHA-256, the chain hash of the
   log at position {position} and the signed checkpoint covering it; manifest.sig is the
   registry's Ed25519 signature over the exact bytes of manifest.json. Run
       {openssl}
   which must print "Signature Verified Successfully" (OpenSSL 3.0 or later).
3. Whose key: public-key.pem has key id {key_id} (the first 16 hex digits of SHA-256 of the raw
   32-byte public key). Compare it with the key the registry publishes with its checkpoints
   (GET /v1/public/checkpoints: key_id, public_key) or that its operator gives you.
4. The checkpoint: manifest.json's checkpoint.message is the exact signed text (UTF-8) and
   checkpoint.signature its Ed25519 signature in Base64; the registry publishes the same
   checkpoint, so it can be compared with copies others keep.
5. The export is on record: the SHA-256 of manifest.json itself is recorded in the case's
   CaseFileExported event.
6. Personal data: {personal_en}

Or, in a few lines of Python (pip install cryptography):

    import base64, hashlib, json
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    manifest = open("manifest.json", "rb").read()
    key = load_pem_public_key(open("public-key.pem", "rb").read())
    key.verify(open("manifest.sig", "rb").read(), manifest)  # raises if altered
    m = json.loads(manifest)
    for f in m["files"]:
        assert hashlib.sha256(open(f["name"], "rb").read()).hexdigest() == f["sha256"], f["name"]
    c = m["checkpoint"]
    if c:
        key.verify(base64.b64decode(c["signature"]), c["message"].encode())
    print("verified")
"""

OPENSSL = (
    "openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in manifest.json "
    "-sigfile manifest.sig"
)

PERSONAL = {
    "full": (
        "本卷宗载有申请人及监护人的完整姓名与电话（供法院使用）。",
        "this file carries the claimant's and guardians' names and phones in full (for a court).",
    ),
    "masked": (
        "本卷宗中申请人及监护人的姓名与电话已遮蔽（监管部门版本）。",
        "the claimant's and guardians' names and phones are masked (a regulator's copy).",
    ),
}


def readme(position: int, key_id: str, personal_data: str) -> bytes:
    zh, en = PERSONAL[personal_data]
    text = README.format(
        position=position, key_id=key_id, personal_zh=zh, personal_en=en, openssl=OPENSSL
    )
    return text.encode("utf-8")


def sha256sums(files: dict[str, bytes]) -> bytes:
    """``sha256sum``'s own format: digest, two spaces, name; one line a file."""
    lines = [f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in files.items()]
    return "".join(lines).encode()


def public_raw(pem: bytes) -> bytes:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("public-key.pem holds no Ed25519 key")
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def verify_archive(archive: bytes) -> tuple[dict[str, Any], list[str]]:
    """Check a case file offline: (its manifest, the problems found; none when it verifies)."""
    problems: list[str] = []
    try:
        files = _read(archive)
    except (zipfile.BadZipFile, OSError) as e:
        return {}, [f"not a readable ZIP: {e}"]
    for needed in ("manifest.json", "manifest.sig", "public-key.pem", "SHA256SUMS"):
        if needed not in files:
            problems.append(f"{needed} is missing")
    if problems:
        return {}, problems
    for line in files["SHA256SUMS"].decode("utf-8", "replace").splitlines():
        digest, _, name = line.partition("  ")
        if name not in files:
            problems.append(f"SHA256SUMS names {name}, which the archive lacks")
        elif hashlib.sha256(files[name]).hexdigest() != digest:
            problems.append(f"{name} does not match its SHA-256 in SHA256SUMS")
    manifest: dict[str, Any] = json.loads(files["manifest.json"])
    for entry in manifest.get("files", []):
        data = files.get(entry["name"])
        if data is None or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            problems.append(f"{entry['name']} does not match its SHA-256 in manifest.json")
    try:
        key = Ed25519PublicKey.from_public_bytes(public_raw(files["public-key.pem"]))
        key.verify(files["manifest.sig"], files["manifest.json"])
    except (InvalidSignature, ValueError):
        problems.append("manifest.sig is not a valid signature of manifest.json by public-key.pem")
        return manifest, problems
    checkpoint = manifest.get("checkpoint")
    if checkpoint:
        try:
            key.verify(base64.b64decode(checkpoint["signature"]), checkpoint["message"].encode())
        except (InvalidSignature, ValueError):
            problems.append("the checkpoint's signature does not verify")
        if checkpoint.get("position", 0) < manifest.get("position", 0):
            problems.append("the checkpoint does not cover the file's position")
    return manifest, problems


def _read(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return {name: z.read(name) for name in z.namelist()}

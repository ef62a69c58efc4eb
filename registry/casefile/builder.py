"""The court case file: index.pdf, ledger.csv, events.json, the manifest and its seal in a ZIP.

``build_case_file(bundle, signer)`` turns the plain-data bundle of ``case_file_bundle`` into
the ZIP's bytes and the SHA-256 of its manifest. The same bundle always gives the same bytes:
every time written (ZIP entries, PDF dates, manifest) is the bundle's ``exported_at``, the
recorded time of the last event included, never the clock; entries are in a fixed order with
fixed permissions and compression, and Ed25519 signatures are deterministic. A court checks
the files with SHA256SUMS, manifest.json with manifest.sig (``seal.py``, README.txt), and
finds the manifest's own digest recorded in the case's ``CaseFileExported`` event.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime
from importlib import metadata
from typing import Any

from registry.casefile import labels as L
from registry.casefile.document import Block, Fields, Para, Section
from registry.casefile.fonts import DEFAULT_FONT_FILE
from registry.casefile.in_force import in_force_blocks
from registry.casefile.labels import money, named, shanghai
from registry.casefile.ledger import ledger_csv, ledger_rows
from registry.casefile.pdf import render_pdf
from registry.casefile.record import mediation_record, regulatory_record, supervision
from registry.casefile.seal import Signer, readme, sha256sums
from registry.casefile.sections import amount_claimed, contracts, lessons, parties, payments
from registry.casefile.timeline import evidence_index, timeline
from registry.domain.clock import SHANGHAI

FORMAT_VERSION = 2
FILES = (
    "README.txt",
    "index.pdf",
    "ledger.csv",
    "events.json",
    "public-key.pem",
    "manifest.json",
    "manifest.sig",
    "SHA256SUMS",
)
_MODE = 0o100644  # a regular file, rw-r--r--


def tool_version() -> str:
    try:
        return metadata.version("training-registry")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def build_case_file(
    bundle: dict[str, Any], signer: Signer, font_file: str = DEFAULT_FONT_FILE
) -> tuple[bytes, str]:
    """The ZIP of the case file and the SHA-256 (hex) of its manifest.json."""
    files = {
        "README.txt": readme(bundle["position"], signer.key_id, bundle["personal_data"]),
        "index.pdf": render_pdf(bundle, cover(bundle), sections(bundle), font_file),
        "ledger.csv": ledger_csv(ledger_rows(bundle)),
        "events.json": _json(
            {
                "case_id": bundle["case"]["id"],
                "position": bundle["position"],
                "exported_at": bundle["exported_at"],
                "events": bundle["events"],
            }
        ),
    }
    files["public-key.pem"] = signer.public_pem.encode()
    files["manifest.json"] = _json(manifest(bundle, files, signer.key_id))
    files["manifest.sig"] = signer.sign(files["manifest.json"])
    files["SHA256SUMS"] = sha256sums(files)
    return _zip(files, bundle["exported_at"]), hashlib.sha256(files["manifest.json"]).hexdigest()


def _with_in_force(section: Section, bundle: dict[str, Any]) -> Section:
    """The regulatory record, then what was in force on each payment's and dispute's day."""
    section.blocks.extend(in_force_blocks(bundle))
    return section


def sections(bundle: dict[str, Any]) -> list[Section]:
    return [
        parties(bundle),
        contracts(bundle),
        payments(bundle),
        lessons(bundle),
        amount_claimed(bundle),
        supervision(bundle),
        _with_in_force(regulatory_record(bundle), bundle),
        mediation_record(bundle),
        timeline(bundle),
        evidence_index(bundle),
    ]


def cover(bundle: dict[str, Any]) -> list[Block]:
    """The facts on page 1, above the contents."""
    case = bundle["case"]
    return [
        Fields(
            [
                ("案件编号 Case id", case["id"]),
                ("被申请机构 Respondent", bundle["institution"]["name"]),
                ("申请人 Claimant", case["claimant_name"]),
                ("案件状态 Status", named(L.CASE_STATUS, case["status"])),
                ("主张金额 Claimed", money(case["claim_fen"])),
                ("核定未消课金额 Assessed", money(case["assessed_fen"])),
                ("导出依据日志位置 Log position", str(bundle["position"])),
                ("该位置的链哈希 Chain hash there", _chain_hash(bundle)),
                ("覆盖该位置的签名检查点 Signed checkpoint", _checkpoint(bundle)),
                ("个人信息 Personal data", PERSONAL_DATA[bundle["personal_data"]]),
                ("截至时间 As of (Asia/Shanghai)", shanghai(bundle["exported_at"])),
                ("生成工具 Tool", f"training-registry {tool_version()}"),
            ]
        ),
        Para(
            "本卷宗依据登记系统事件日志在上述位置的状态生成，同一位置再次导出的文件逐字节相同。"
            "This file shows the registry's event log as it stood at the position above; an "
            "export at the same position is byte-for-byte the same.",
            "note",
        ),
    ]


PERSONAL_DATA = {
    "full": "完整（法院） full, for a court",
    "masked": "已遮蔽（监管部门） masked, a regulator's copy",
}


def _chain_hash(bundle: dict[str, Any]) -> str:
    chain = bundle.get("chain")
    return chain["hash"] if chain and chain.get("hash") else "—（日志尚未建链 log not chained）"


def _checkpoint(bundle: dict[str, Any]) -> str:
    c = bundle.get("checkpoint")
    if not c:
        return "—（尚无覆盖该位置的检查点 none signed yet）"
    return f"位置 position {c['position']}, {c['signed_at']}, key {c['key_id']}"


def manifest(bundle: dict[str, Any], files: dict[str, bytes], key_id: str) -> dict[str, Any]:
    """What the export holds and where the log stood: every file's digest, every stream's
    last version and position, the chain hash there and the checkpoint covering it."""
    streams: dict[str, dict[str, Any]] = {}
    for e in bundle["events"]:
        streams[e["stream_id"]] = {
            "stream": e["stream"],
            "id": e["stream_id"],
            "version": e["version"],
            "position": e["position"],
        }
    return {
        "case_id": bundle["case"]["id"],
        "position": bundle["position"],
        "exported_at": bundle["exported_at"],
        "streams": sorted(streams.values(), key=lambda s: (s["stream"], s["id"])),
        "chain": bundle.get("chain"),
        "checkpoint": bundle.get("checkpoint"),
        "personal_data": bundle["personal_data"],
        "signature": {
            "file": "manifest.sig",
            "algorithm": "Ed25519",
            "key_id": key_id,
            "public_key_file": "public-key.pem",
        },
        "files": [
            {"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files.items()
        ],
        "tool": {
            "name": "training-registry",
            "version": tool_version(),
            "format": FORMAT_VERSION,
        },
        "verify": "README.txt: sha256sum -c SHA256SUMS; openssl pkeyutl -verify (manifest.sig)",
    }


def _json(value: Any) -> bytes:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2, default=str)
    return (text + "\n").encode("utf-8")


def _zip(files: dict[str, bytes], exported_at: str) -> bytes:
    local = datetime.fromisoformat(exported_at).astimezone(SHANGHAI)
    stamp = max(
        (local.year, local.month, local.day, local.hour, local.minute, local.second),
        (1980, 1, 1, 0, 0, 0),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in FILES:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever the platform, so the attributes read alike
            info.external_attr = _MODE << 16
            archive.writestr(info, files[name], compresslevel=9)
    return out.getvalue()

"""A register export to time ``registry import institutions`` on: ``python -m bench.import_register
N FILE`` writes N licensed, supervised institutions of 海淀区 as CSV (UTF-8)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from registry.domain.uscc import check_character

HEADER = (
    "credit_code,name,district_code,address,category,subjects,delivery,legal_form,"
    "legal_representative,licence_no,approving_authority,licence_valid_from,licence_valid_to,"
    "supervision_mode,supervision_bank,supervision_account_no,supervision_agreement_no"
).split(",")


def rows(count: int) -> list[list[str]]:
    found = []
    for n in range(1, count + 1):
        first17 = f"9111010{n:010d}"
        found.append(
            [
                first17 + check_character(first17),
                f"北京第{n}号艺术培训有限公司",
                "110108",
                f"北京市海淀区学院路{n}号",
                "non_academic",
                "美术；书法",
                "offline",
                "company",
                "王某",
                f"教民1101087{n:07d}号",
                "北京市海淀区教育委员会",
                "2024-09-01",
                "2027-08-31",
                "bank_custody",
                "中国工商银行北京海淀支行",
                f"02000{n:014d}",
                f"JG-{n}",
            ]
        )
    return found


def main() -> None:
    count, path = int(sys.argv[1]), Path(sys.argv[2])
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows(count)])
    print(f"wrote {count} rows to {path}")


if __name__ == "__main__":
    main()

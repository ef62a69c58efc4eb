"""An operator at a desk with no database access: the command line through the API."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from tests.builders.commands import legitimate, paid_contract
from tests.builders.principals import HAIDIAN_BANK
from tests.cli.test_cli_feed_load import lessons_file
from tests.cli.test_cli_import import code, register_file, row
from tests.client.conftest import Server

# Nothing points at a database: a command that tried to open one would find no such file.
NO_DATABASE = "sqlite:////nonexistent/registry.db"


def run(server: Server, key: str, *args: str) -> tuple[int, str, str]:
    env = {
        "REGISTRY_SERVER": server.url,
        "REGISTRY_API_KEY": key,
        "REGISTRY_DATABASE_URL": NO_DATABASE,
    }
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_a_register_is_imported_listed_and_read_through_the_api(
    server: Server, tmp_path: Path
) -> None:
    key = server.key("regulator", ["110108"], "北京市海淀区教育委员会")
    rows = [row(n) for n in range(1, 21)]
    rows[4][4] = "tutoring"  # line 6
    path = register_file(tmp_path / "register.csv", rows)

    status, out, _ = run(server, key, "import", "institutions", str(path))
    assert status == 1, out
    assert "added 19, completed 0, already present 0, refused 1" in out
    assert "line 6, column category" in out
    status, out, _ = run(server, key, "import", "institutions", str(path))
    assert "added 0, completed 0, already present 19, refused 1" in out

    status, out, _ = run(server, key, "institutions", "list", "--supervision", "bank_custody")
    assert status == 0, out
    assert out.strip().endswith("13 institutions")  # every third row has no licence
    status, out, _ = run(server, key, "institutions", "show", code(2))
    assert status == 0 and '"status": "licensed"' in out
    status, out, _ = run(server, key, "institutions", "events", code(2))
    assert [line.split()[2] for line in out.strip().splitlines()] == [
        "InstitutionRegistered",
        "LicenceIssued",
        "FundSupervisionEstablished",
    ]


def test_a_refusal_of_the_api_ends_the_command_in_one_line(server: Server) -> None:
    status, _, err = run(server, "rk_unknown", "institutions", "show", code(1))
    assert status == 1
    assert err.strip().startswith("error: ") and len(err.strip().splitlines()) == 1
    status, _, err = run(server, "", "institutions", "list")
    assert status == 1 and "REGISTRY_API_KEY" in err


def test_a_contract_and_a_court_case_file_are_read_through_the_api(
    server: Server, tmp_path: Path
) -> None:
    import uuid
    import zipfile
    from datetime import timedelta

    from registry.client import RegistryClient
    from registry.domain.commands.cases import AssessRefundCase, OpenRefundCase
    from registry.domain.commands.contracts import SignContract
    from registry.domain.commands.institutions import EstablishFundSupervision, IssueLicence
    from tests.client.test_client_end_to_end import TODAY, registration

    regulator = server.key("regulator", ["110108"], "海淀")
    bureau = RegistryClient(server.url, regulator)
    iid = uuid.UUID(bureau.register_institution(registration(7)).id)
    bureau.issue_licence(
        IssueLicence(
            institution_id=iid,
            licence_no="教民7号",
            approving_authority="海淀区教委",
            valid_from=TODAY - timedelta(days=30),
            valid_to=TODAY + timedelta(days=300),
        )
    )
    bureau.establish_fund_supervision(
        EstablishFundSupervision(
            institution_id=iid,
            mode="bank_custody",
            bank="工商银行",
            account_no="0200000000007",
            agreement_no="JG-7",
        )
    )
    feed = RegistryClient(server.url, server.key("feed", ["110108"], "工行"))
    contract = feed.sign_contract(
        SignContract(
            institution_id=iid,
            pupil_ref="P-7",
            guardian_name="张某",
            guardian_phone="13800000000",
            course="美术",
            paid_lessons=10,
            price_per_lesson_fen=10000,
            start_date=TODAY,
            end_date=TODAY + timedelta(days=90),
        )
    )
    case = bureau.open_refund_case(
        OpenRefundCase(
            institution_id=iid,
            contract_ids=[uuid.UUID(contract.id)],
            claimant_name="张某",
            claimant_phone="13800000000",
            source="complaint",
            claim_fen=50000,
        )
    )

    bureau.assess_refund_case(AssessRefundCase(case_id=uuid.UUID(case.id)))

    status, out, _ = run(server, regulator, "contracts", "show", contract.id)
    assert status == 0, out
    assert "contract   " + contract.id in out and "paid" in out
    status, out, _ = run(server, regulator, "contracts", "ledger", contract.id)
    assert status == 0 and "ContractSigned" in out

    court = server.key("court", [], "海淀区人民法院")
    archive = tmp_path / "case.zip"
    status, out, err = run(server, court, "export-case", case.id, "--out", str(archive))
    assert status == 0, out + err
    assert "manifest sha256" in out
    assert "index.pdf" in zipfile.ZipFile(archive).namelist()


def test_a_file_of_facts_is_sent_through_the_batch_feed_with_the_feeds_key(
    server: Server, tmp_path: Path
) -> None:
    registry = server.services.registry
    contract = paid_contract(registry, legitimate(registry))
    key = server.key("feed", ["110108"], "中国工商银行北京海淀支行资金监管接口")
    path = lessons_file(tmp_path / "lessons.jsonl", [contract], 3)

    first = run(server, key, "feed", "load", str(path), "--batch", "2")
    again = run(server, key, "feed", "load", str(path), "--batch", "2")

    assert first[0] == 0 and "recorded 3, refused 0, bad lines 0" in first[1], first
    assert again[0] == 0 and "(3 already sent before)" in again[1], again
    assert registry.contract(HAIDIAN_BANK, contract)["consumed_lessons"] == 3

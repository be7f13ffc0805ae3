"""Our payloads, read by an independent implementation: the npm package vietnam-qr-pay.

npm installs it into build/npm (once); without npm on the machine the test is skipped."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from market.banks import all_banks
from payments.qr.service import dynamic_payload, static_payload

ROOT = Path(__file__).resolve().parents[3]
PREFIX = ROOT / "build" / "npm"
SCRIPT = Path(__file__).resolve().parent / "interop" / "vietnam_qr_pay.js"
PACKAGE = "vietnam-qr-pay@1.5.1"


@pytest.fixture(scope="module")
def node_modules() -> Path:
    npm, node = shutil.which("npm"), shutil.which("node")
    if not npm or not node:
        pytest.skip("npm/node are not installed: the cross-check with vietnam-qr-pay needs them")
    if not (PREFIX / "node_modules" / "vietnam-qr-pay" / "package.json").exists():
        PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(PREFIX),
                "--no-audit",
                "--no-fund",
                "--silent",
                PACKAGE,
            ],
            check=True,
            timeout=300,
        )
    return PREFIX / "node_modules"


def run_node(node_modules: Path, cases: list[dict]) -> list[dict]:
    result = subprocess.run(
        [shutil.which("node"), str(SCRIPT)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={"NODE_PATH": str(node_modules), "PATH": "/usr/bin:/bin"},
    )
    return json.loads(result.stdout)


def test_every_napas_bank_with_and_without_amount_decodes_the_same(node_modules):
    cases, expected = [], []
    for n, bank in enumerate(all_banks()):
        account = f"{1000000000 + n * 7919}"
        cases.append(
            {
                "payload": static_payload(bank_bin=bank.bin, account_number=account),
                "fields": {"bankBin": bank.bin, "bankNumber": account},
            }
        )
        expected.append((bank.bin, account, None, None, "11"))
        amount, reference = 10_000 + n * 1_000, f"CH{n:02d}TEST"
        payload = dynamic_payload(
            bank_bin=bank.bin,
            account_number=account,
            amount=amount,
            reference=reference,
            description="Rau củ",
        )
        purpose = f"{reference} RAU CU"
        cases.append(
            {
                "payload": payload,
                "fields": {
                    "bankBin": bank.bin,
                    "bankNumber": account,
                    "amount": str(amount),
                    "purpose": purpose,
                },
            }
        )
        expected.append((bank.bin, account, str(amount), purpose, "12"))
    results = run_node(node_modules, cases)
    assert len(results) == 2 * len(all_banks())
    for case, want, got in zip(cases, expected, results, strict=True):
        assert got["valid"], case["payload"]
        assert (
            got["bank_bin"],
            got["account_number"],
            got["amount"],
            got["purpose"],
            got["point_of_initiation"],
        ) == want
        assert got["built"] == case["payload"], "the same fields must give the same string"

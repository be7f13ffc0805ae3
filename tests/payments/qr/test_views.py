"""POST /qr/decode and the `qr` commands."""

import json

import pytest

from payments.qr.vietqr import build
from tests.factories import bearer, make_user

SPEC = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA53037045406"
    "1800005802VN62340107NPS68690819thanh toan don hang63042E2E"
)


@pytest.fixture
def headers(session):
    return bearer(make_user(session, "bank_staff")[1])


def test_a_valid_payload_decodes_to_the_contract_fields(client, headers):
    body = client.post("/api/v1/qr/decode", json={"payload": SPEC}, headers=headers).json
    assert body == {
        "valid": True,
        "point_of_initiation": "12",
        "bank_bin": "970403",
        "account_number": "0011012345678",
        "service_code": "QRIBFTTA",
        "amount": 180000,
        "currency": "704",
        "country": "VN",
        "merchant_name": None,
        "merchant_city": None,
        "bill_number": "NPS6869",
        "reference_label": None,
        "terminal_label": None,
        "purpose": "thanh toan don hang",
        "crc": "2E2E",
    }


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (SPEC[:-4] + "0000", "crc_mismatch"),
        ("garbage", "root_length"),
        ("x" * 10_000, "payload_length"),
        ("0002010102113855Chợ Vĩnh Long", "root_length"),
        ("", "payload_length"),
        (SPEC.replace("5303704", "5303840"), "crc_mismatch"),
    ],
)
def test_refused_payloads_are_422_with_the_reason(client, headers, payload, reason):
    response = client.post("/api/v1/qr/decode", json={"payload": payload}, headers=headers)
    assert response.status_code == 422
    assert response.json["detail"] and "payload" in response.json["errors"]
    assert reason in response.json["reason"]


@pytest.mark.parametrize("body", [{"payload": 5}, {}, {"payload": SPEC, "x": 1}, [SPEC]])
def test_malformed_requests_are_422(client, headers, body):
    assert client.post("/api/v1/qr/decode", json=body, headers=headers).status_code == 422


def test_decode_needs_a_token(client):
    assert client.post("/api/v1/qr/decode", json={"payload": SPEC}).status_code == 401


def test_cli_decode_prints_the_same_json(app):
    result = app.test_cli_runner().invoke(args=["qr", "decode", SPEC])
    assert result.exit_code == 0
    assert json.loads(result.output)["purpose"] == "thanh toan don hang"
    bad = app.test_cli_runner().invoke(args=["qr", "decode", "nonsense"])
    assert bad.exit_code == 1 and json.loads(bad.output)["valid"] is False


def test_cli_encode_builds_what_the_codec_builds(app):
    args = [
        "qr",
        "encode",
        "--bin",
        "970436",
        "--account",
        "0011001234",
        "--amount",
        "50000",
        "--purpose",
        "HP123 hoc phi",
    ]
    result = app.test_cli_runner().invoke(args=args)
    assert result.output.strip() == build(
        bank_bin="970436", account_number="0011001234", amount=50000, purpose="HP123 hoc phi"
    )
    bad = app.test_cli_runner().invoke(
        args=["qr", "encode", "--bin", "970436", "--account", "1", "--purpose", "Học phí"]
    )
    assert bad.exit_code != 0 and "non_ascii" in bad.output

"""Provider adapters: signatures are built here with hmac directly, not with the code under test."""

import hashlib
import hmac
import json
import shutil
import subprocess
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import Headers

from payments.ingest.providers import ADAPTERS, get_adapter
from payments.ingest.providers.base import PayloadError, SignatureError, StatementLine, Transfer
from payments.ingest.providers.casso import canonical_json

DATA = Path(__file__).resolve().parents[2] / "data"
NOW = datetime(2025, 3, 1, 8, 20, tzinfo=UTC)
SECRET = "k3y-for-tests"
GENERIC, SEPAY, CASSO = ADAPTERS["generic"], ADAPTERS["sepay"], ADAPTERS["casso"]
HOA = "Nguyễn Thị Hoa chuyển tiền học phí"


def unix(moment: datetime = NOW, shift: float = 0) -> int:
    return int((moment + timedelta(seconds=shift)).timestamp())


def generic_headers(body: bytes, secret: str = SECRET, t: int | None = None) -> dict[str, str]:
    t = unix() if t is None else t
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Signature": f"t={t},v1={mac}"}


def sepay_headers(body: bytes, secret: str = SECRET, t: int | None = None) -> dict[str, str]:
    t = unix() if t is None else t
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-SePay-Signature": f"sha256={mac}", "X-SePay-Timestamp": str(t)}


def casso_headers(body: bytes, secret: str = SECRET, t: int | None = None) -> dict[str, str]:
    t = unix() * 1000 if t is None else t
    sorted_json = json.dumps(
        json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    mac = hmac.new(secret.encode(), f"{t}.{sorted_json}".encode(), hashlib.sha512).hexdigest()
    return {"X-Casso-Signature": f"t={t},v1={mac}"}


def generic_body(**changes: object) -> dict:
    body = {
        "transaction_id": "G-1001",
        "amount": 150000,
        "credit_bin": "970436",
        "credit_account": "0123456789",
        "description": "  CHO4   AB2345678X mua rau ",
        "occurred_at": "2025-03-01T15:15:00+07:00",
        "debit_bin": "MB",
        "debit_account": "0987 654 321",
        "debit_name": "NGUYEN VAN A",
    }
    return {key: value for key, value in {**body, **changes}.items() if value is not ...}


def sepay_body(**changes: object) -> dict:
    body = {
        "id": 92704,
        "gateway": "Vietcombank",
        "transactionDate": "2023-03-25 14:02:37",
        "accountNumber": "0123499999",
        "subAccount": None,
        "code": None,
        "content": "chuyen tien mua iphone",
        "transferType": "in",
        "transferAmount": 2277000,
        "accumulated": 19077000,
        "referenceCode": "MBVCB.3278907687",
        "description": "",
    }
    return {key: value for key, value in {**body, **changes}.items() if value is not ...}


def casso_body(**changes: object) -> dict:
    data = {
        "id": 0,
        "reference": "MA_GIAO_DICH",
        "description": "giao dich thu nghiem",
        "amount": 599000,
        "runningBalance": 25000000,
        "transactionDateTime": "2025-02-12 15:30:00",
        "accountNumber": "88888888",
        "bankName": "VPBank",
        "bankAbbreviation": "VPB",
        "virtualAccountNumber": "",
        "virtualAccountName": "",
        "counterAccountName": "",
        "counterAccountNumber": "",
        "counterAccountBankId": "",
        "counterAccountBankName": "",
    }
    data = {key: value for key, value in {**data, **changes}.items() if value is not ...}
    return {"error": 0, "data": data}


def encode(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def test_adapters_are_registered_by_name():
    assert {name: adapter.name for name, adapter in ADAPTERS.items()} == {
        "generic": "generic",
        "sepay": "sepay",
        "casso": "casso",
    }
    assert get_adapter("casso") is CASSO


def test_unknown_format_is_a_value_error():
    with pytest.raises(ValueError, match="unknown provider format"):
        get_adapter("momo")


def test_generic_signed_notification_verifies_and_parses():
    body = encode(generic_body())
    headers = Headers([("x-signature", generic_headers(body)["X-Signature"])])
    GENERIC.verify(secret=SECRET, headers=headers, body=body, now=NOW)
    assert GENERIC.parse(body) == [
        Transfer(
            provider_txn_id="G-1001",
            amount=150000,
            credit_account="0123456789",
            credit_bin="970436",
            description="CHO4 AB2345678X mua rau",
            occurred_at=datetime(2025, 3, 1, 8, 15, tzinfo=UTC),
            debit_bin="970422",
            debit_account="0987654321",
            debit_name="NGUYEN VAN A",
        )
    ]


@pytest.mark.parametrize("shift", [-300, 300])
def test_generic_accepts_the_edges_of_the_window(shift):
    body = encode(generic_body())
    GENERIC.verify(
        secret=SECRET, headers=generic_headers(body, t=unix(shift=shift)), body=body, now=NOW
    )


def forged_generic(case: str) -> tuple[dict[str, str], bytes]:
    body = encode(generic_body())
    headers = generic_headers(body)
    if case == "tampered body":
        return headers, body.replace(b"150000", b"950000")
    if case == "wrong secret":
        return generic_headers(body, secret="another"), body
    if case == "stale":
        return generic_headers(body, t=unix(shift=-301)), body
    if case == "future":
        return generic_headers(body, t=unix(shift=301)), body
    if case == "missing header":
        return {}, body
    garbled = {
        "no fields": "garbage",
        "no v1": f"t={unix()}",
        "no t": headers["X-Signature"].split(",")[1],
        "t not a number": headers["X-Signature"].replace("t=", "t=x"),
        "non-ASCII signature": f"t={unix()},v1=ữ",
    }
    return {"X-Signature": garbled[case]}, body


@pytest.mark.parametrize(
    "case",
    ["tampered body", "wrong secret", "stale", "future", "missing header", "no fields"]
    + ["no v1", "no t", "t not a number", "non-ASCII signature"],
)
def test_generic_refuses_what_is_not_authentic(case):
    headers, body = forged_generic(case)
    with pytest.raises(SignatureError) as error:
        GENERIC.verify(secret=SECRET, headers=headers, body=body, now=NOW)
    assert SECRET not in error.value.reason


def test_an_empty_secret_authenticates_nothing():
    body = encode(generic_body())
    with pytest.raises(SignatureError):
        GENERIC.verify(secret="", headers=generic_headers(body, secret=""), body=body, now=NOW)


@settings(max_examples=150, database=None, deadline=None)
@given(body=st.binary(max_size=300))
def test_generic_any_correctly_signed_body_verifies(body):
    GENERIC.verify(secret=SECRET, headers=generic_headers(body), body=body, now=NOW)


@settings(max_examples=150, database=None, deadline=None)
@given(body=st.binary(min_size=1, max_size=300), data=st.data())
def test_generic_any_single_byte_change_fails(body, data):
    index = data.draw(st.integers(0, len(body) - 1))
    byte = data.draw(st.integers(0, 255).filter(lambda value: value != body[index]))
    changed = body[:index] + bytes([byte]) + body[index + 1 :]
    with pytest.raises(SignatureError):
        GENERIC.verify(secret=SECRET, headers=generic_headers(body), body=changed, now=NOW)


BAD_AMOUNTS = ["abc", 12.5, -5, 0, 10**13, True, 100000.0, "1 000", None]


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"amount": value}, "amount") for value in BAD_AMOUNTS]
    + [
        ({"transaction_id": ...}, "transaction_id"),
        ({"transaction_id": "  "}, "transaction_id"),
        ({"occurred_at": "2025-03-01T15:15:00"}, "occurred_at"),
        ({"occurred_at": "hôm qua"}, "occurred_at"),
        ({"credit_bin": "999999"}, "credit_bin"),
        ({"credit_account": "0123-456"}, "credit_account"),
        ({"credit_account": 123456}, "credit_account"),
        ({"description": 5}, "description"),
    ],
)
def test_generic_malformed_body_names_the_field(changes, field):
    with pytest.raises(PayloadError) as error:
        GENERIC.parse(encode(generic_body(**changes)))
    assert error.value.field == field


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe", b'{"amount": NaN}'])
def test_generic_body_that_is_not_a_json_object(body):
    with pytest.raises(PayloadError) as error:
        GENERIC.parse(body)
    assert error.value.field == "body"


def test_generic_amount_limits_and_digit_strings():
    top = GENERIC.parse(encode(generic_body(amount=9_999_999_999_999)))[0]
    assert top.amount == 9_999_999_999_999
    assert GENERIC.parse(encode(generic_body(amount="150000")))[0].amount == 150000


def test_generic_answer_names_the_payment():
    assert GENERIC.answer([{"status": "duplicate", "payment_id": 7}]) == (
        200,
        {"status": "duplicate", "payment_id": 7},
    )


def test_generic_statement_parses_with_line_numbers():
    lines = GENERIC.parse_statement(b"\xef\xbb\xbf" + (DATA / "statement_generic.csv").read_bytes())
    assert [(line.line, line.transfer.provider_txn_id) for line in lines] == [
        (2, "G-1001"),
        (3, "G-1002"),
        (4, "G-1003"),
        (7, "G-1004"),
    ]
    assert lines[1].transfer.credit_bin == "970436"
    assert lines[1].transfer.description == "hoc phi, ky 2"
    assert lines[1].transfer.debit_bin is None
    assert lines[3].transfer.occurred_at == datetime(2025, 2, 28, 21, 0, tzinfo=UTC)


def test_generic_statement_bad_row_names_field_and_line():
    data = (DATA / "statement_generic.csv").read_bytes().replace(b"2277000", b"22.5")
    with pytest.raises(PayloadError) as error:
        GENERIC.parse_statement(data)
    assert error.value.field == "amount"
    assert error.value.message.startswith("line 3: ")


def test_generic_statement_needs_its_columns():
    with pytest.raises(PayloadError) as error:
        GENERIC.parse_statement(b"transaction_id,amount\nA,1\n")
    assert error.value.field == "credit_bin"


SEPAY_TRANSFER = Transfer(
    provider_txn_id="92704",
    amount=2277000,
    credit_account="0123499999",
    credit_bin="970436",
    description="chuyen tien mua iphone",
    occurred_at=datetime(2023, 3, 25, 7, 2, 37, tzinfo=UTC),
    bank_reference="MBVCB.3278907687",
)


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": f"Apikey {SECRET}"},
        Headers([("authorization", f"apikey {SECRET}")]),
        sepay_headers(encode(sepay_body())),
    ],
    ids=["apikey", "apikey-lowercase", "hmac"],
)
def test_sepay_verifies_by_api_key_or_hmac_and_parses(headers):
    body = encode(sepay_body())
    SEPAY.verify(secret=SECRET, headers=headers, body=body, now=NOW)
    assert SEPAY.parse(body) == [SEPAY_TRANSFER]


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Apikey not-the-key"},
        {"Authorization": f"Bearer {SECRET}"},
        {},
        sepay_headers(encode(sepay_body(transferAmount=1))),
        sepay_headers(encode(sepay_body()), secret="another"),
        sepay_headers(encode(sepay_body()), t=unix(shift=-301)),
        sepay_headers(encode(sepay_body()), t=unix(shift=301)),
        {"X-SePay-Signature": sepay_headers(encode(sepay_body()))["X-SePay-Signature"]},
        {**sepay_headers(encode(sepay_body())), "X-SePay-Timestamp": "yesterday"},
        {**sepay_headers(encode(sepay_body())), "X-SePay-Signature": "md5=abc"},
        {**sepay_headers(encode(sepay_body())), "X-SePay-Signature": "garbled"},
    ],
    ids=["wrong key", "bearer", "no header", "tampered", "wrong secret", "stale", "future"]
    + ["no timestamp", "bad timestamp", "md5", "garbled"],
)
def test_sepay_refuses_what_is_not_authentic(headers):
    with pytest.raises(SignatureError):
        SEPAY.verify(secret=SECRET, headers=headers, body=encode(sepay_body()), now=NOW)


def test_sepay_money_going_out_is_not_a_payment():
    assert SEPAY.parse(encode(sepay_body(transferType="out", transferAmount=-5))) == []


def test_sepay_virtual_account_is_the_payee_and_description_is_the_fallback():
    body = sepay_body(subAccount="vqr 0001234", content="", description=f" {HOA} ")
    transfer = SEPAY.parse(encode(body))[0]
    assert transfer.credit_account == "VQR0001234"
    assert transfer.description == HOA


def test_sepay_unknown_gateway_leaves_the_bin_unknown():
    assert SEPAY.parse(encode(sepay_body(gateway="Ngân hàng Mặt Trăng")))[0].credit_bin is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"transferAmount": value}, "transferAmount") for value in BAD_AMOUNTS]
    + [
        ({"id": ...}, "id"),
        ({"id": True}, "id"),
        ({"transferType": ...}, "transferType"),
        ({"transactionDate": "25/25/2023 99:00"}, "transactionDate"),
        ({"accountNumber": ...}, "accountNumber"),
    ],
)
def test_sepay_malformed_body_names_the_field(changes, field):
    with pytest.raises(PayloadError) as error:
        SEPAY.parse(encode(sepay_body(**changes)))
    assert error.value.field == field


def test_sepay_answer_and_statement():
    assert SEPAY.answer([{"status": "recorded", "payment_id": 1}]) == (200, {"success": True})
    lines = SEPAY.parse_statement((DATA / "statement_sepay.csv").read_bytes())
    assert lines[0] == StatementLine(2, SEPAY_TRANSFER)
    assert [(line.line, line.transfer.credit_account) for line in lines] == [
        (2, "0123499999"),
        (4, "VQR0001234"),
    ]
    assert lines[1].transfer.credit_bin == "970422"
    assert lines[1].transfer.description == HOA


def test_casso_signed_notification_verifies_and_parses():
    body = encode(
        casso_body(
            counterAccountName="NGUYEN  VAN A",
            counterAccountNumber="0123456789",
            counterAccountBankId="970436",
        )
    )
    CASSO.verify(secret=SECRET, headers=casso_headers(body), body=body, now=NOW)
    assert CASSO.parse(body) == [
        Transfer(
            provider_txn_id="0",
            amount=599000,
            credit_account="88888888",
            credit_bin="970432",
            description="giao dich thu nghiem",
            occurred_at=datetime(2025, 2, 12, 8, 30, tzinfo=UTC),
            debit_bin="970436",
            debit_account="0123456789",
            debit_name="NGUYEN VAN A",
            bank_reference="MA_GIAO_DICH",
        )
    ]


def test_casso_keys_reordered_in_transit_still_verify():
    original = casso_body()
    headers = casso_headers(encode(original))
    data = dict(reversed(original["data"].items()))
    reordered = json.dumps({"data": data, "error": 0}, indent=2).encode()
    assert reordered != encode(original)
    CASSO.verify(secret=SECRET, headers=headers, body=reordered, now=NOW)


def test_casso_vietnamese_text_verifies_and_is_kept_nfc():
    decomposed = unicodedata.normalize("NFD", HOA)
    body = encode(casso_body(description=decomposed))
    headers = casso_headers(body)
    escaped = json.dumps(casso_body(description=decomposed), ensure_ascii=True).encode()
    for sent in (body, escaped):
        CASSO.verify(secret=SECRET, headers=headers, body=sent, now=NOW)
        assert CASSO.parse(sent)[0].description == HOA


@pytest.mark.parametrize(
    "case",
    ["changed value", "wrong secret", "stale", "future", "seconds", "missing", "garbled"]
    + ["not json", "integer beyond 2**53"],
)
def test_casso_refuses_what_is_not_authentic(case):
    body = encode(casso_body())
    headers = casso_headers(body)
    if case == "changed value":
        body = encode(casso_body(amount=599001))
    elif case == "wrong secret":
        headers = casso_headers(body, secret="another")
    elif case in ("stale", "future"):
        headers = casso_headers(body, t=unix(shift=-301 if case == "stale" else 301) * 1000)
    elif case == "seconds":
        headers = casso_headers(body, t=unix())
    elif case == "missing":
        headers = {}
    elif case == "integer beyond 2**53":
        body = encode(casso_body(id=2**53 + 1))
        headers = casso_headers(encode(casso_body(id=2**53)))
    elif case == "garbled":
        headers = {"X-Casso-Signature": "v1=" + headers["X-Casso-Signature"]}
    else:
        body = b"{not json"
    with pytest.raises(SignatureError):
        CASSO.verify(secret=SECRET, headers=headers, body=body, now=NOW)


def test_casso_outgoing_transaction_is_not_a_payment():
    assert CASSO.parse(encode(casso_body(amount=-599000))) == []


def test_casso_virtual_account_is_the_payee():
    body = casso_body(virtualAccountNumber="vqr88", counterAccountBankName="Vietcombank")
    transfer = CASSO.parse(encode(body))[0]
    assert (transfer.credit_account, transfer.debit_bin) == ("VQR88", "970436")


@pytest.mark.parametrize(
    ("body", "field"),
    [(casso_body(amount=value), "data.amount") for value in BAD_AMOUNTS if value != -5]
    + [
        (casso_body(id=...), "data.id"),
        (casso_body(transactionDateTime=None), "data.transactionDateTime"),
        ({"error": 0, "data": [1]}, "data"),
    ],
)
def test_casso_malformed_body_names_the_field(body, field):
    with pytest.raises(PayloadError) as error:
        CASSO.parse(encode(body))
    assert error.value.field == field


def test_casso_answer_and_statement():
    assert CASSO.answer([]) == (200, {"success": True})
    lines = CASSO.parse_statement((DATA / "statement_casso.csv").read_bytes())
    assert [(line.line, line.transfer.provider_txn_id) for line in lines] == [(2, "1"), (4, "3")]
    assert lines[0].transfer.debit_bin == "970436"
    assert lines[1].transfer.description == "Nguyễn Thị Hoa chuyển tiền"
    assert lines[1].transfer.occurred_at == datetime(2025, 2, 13, 1, 5, tzinfo=UTC)


# JSON.stringify writes numbers as JavaScript doubles and escapes only some characters.
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"b":1,"a":{"d":2,"c":[{"z":1,"y":2}]}}', '{"a":{"c":[{"y":2,"z":1}],"d":2},"b":1}'),
        ('{"b":1,"10":2,"9":3,"a":4}', '{"9":3,"10":2,"a":4,"b":1}'),
        ("[1.0, 1e21, 1e-7, 1.5e-9, 0.000001, -0.0, 9007199254740993]", None),
        ('"\\u0001\\u007f\\u2028 /"', '"\\u0001\x7f\u2028 /"'),
    ],
)
def test_casso_canonical_form_is_what_node_writes(raw, expected):
    if expected is None:
        expected = "[1,1e+21,1e-7,1.5e-9,0.000001,0,9007199254740992]"
    assert canonical_json(json.loads(raw)) == expected


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_casso_canonical_form_matches_node():
    script = (
        "const s=v=>Array.isArray(v)?v.map(s):v&&typeof v==='object'?"
        "Object.keys(v).sort().reduce((o,k)=>(o[k]=s(v[k]),o),{}):v;"
        "process.stdout.write(JSON.stringify(s(JSON.parse(require('fs').readFileSync(0,'utf8')))))"
    )
    body = encode(casso_body(description=HOA, runningBalance=1.25e21, reference="a\u2028b"))
    node = subprocess.run(["node", "-e", script], input=body, capture_output=True, check=True)
    assert canonical_json(json.loads(body)) == node.stdout.decode()


def test_a_sepay_memo_virtual_account_credits_the_main_account():
    # A memo VA (TKP) has no account number of its own: the payer paid the main account and
    # wrote "TKP" + the code in the description.
    body = sepay_body(subAccount="X9K", content="TKPX9K tien hang")
    transfer = SEPAY.parse(encode(body))[0]
    assert (transfer.credit_account, transfer.memo_account) == ("0123499999", "X9K")


@pytest.mark.parametrize("code", ["a2", "TKPA2B", " 7mn "])
def test_a_sepay_memo_code_of_two_or_three_characters_is_never_the_credited_account(code):
    transfer = SEPAY.parse(encode(sepay_body(subAccount=code)))[0]
    assert transfer.credit_account == "0123499999"
    assert transfer.memo_account == code.strip().upper().removeprefix("TKP")


def test_a_sepay_official_virtual_account_is_its_own_account():
    transfer = SEPAY.parse(encode(sepay_body(subAccount="SBSEPAYX9KA2B7MN4QR")))[0]
    assert (transfer.credit_account, transfer.memo_account) == ("SBSEPAYX9KA2B7MN4QR", None)


def test_sepay_and_casso_give_the_banks_own_reference():
    assert SEPAY.parse(encode(sepay_body()))[0].bank_reference == "MBVCB.3278907687"
    assert CASSO.parse(encode(casso_body()))[0].bank_reference == "MA_GIAO_DICH"
    assert SEPAY.parse(encode(sepay_body(referenceCode=None)))[0].bank_reference is None
    assert CASSO.parse(encode(casso_body(reference="  ")))[0].bank_reference is None


API_KEY = "a-separate-api-key"


@pytest.mark.parametrize(
    ("settings", "authorization", "accepted"),
    [
        ({}, SECRET, True),
        ({"api_key": API_KEY}, API_KEY, True),
        ({"api_key": API_KEY}, SECRET, False),
        ({"hmac_only": True}, SECRET, False),
    ],
    ids=["secret-alone-is-the-key", "own-key", "secret-is-no-key", "hmac-only"],
)
def test_sepay_api_key_can_be_its_own_setting(settings, authorization, accepted):
    body = encode(sepay_body())
    headers = {"Authorization": f"Apikey {authorization}"}
    if accepted:
        SEPAY.verify(secret=SECRET, headers=headers, body=body, now=NOW, **settings)
    else:
        with pytest.raises(SignatureError):
            SEPAY.verify(secret=SECRET, headers=headers, body=body, now=NOW, **settings)
    # The HMAC signature is made with the secret whatever the API key.
    SEPAY.verify(secret=SECRET, headers=sepay_headers(body), body=body, now=NOW, **settings)


@pytest.mark.parametrize("error", [1, -1, "1", True])
def test_a_casso_body_with_an_error_is_acknowledged_and_carries_no_transfer(error):
    assert CASSO.parse(encode({"error": error, "data": casso_body()["data"]})) == []
    assert CASSO.parse(encode({"error": error, "data": None})) == []


def php_or_python_casso_headers(body: bytes, *, escape_slashes: bool) -> dict[str, str]:
    """The signature as Casso's samples in Python (json.dumps) and PHP (json_encode) compute
    it: non-ASCII text written as \\uXXXX escapes, and PHP's '/' written as '\\/'."""
    t = unix() * 1000
    text = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    if escape_slashes:
        text = text.replace("/", "\\/")
    mac = hmac.new(SECRET.encode(), f"{t}.{text}".encode(), hashlib.sha512).hexdigest()
    return {"X-Casso-Signature": f"t={t},v1={mac}"}


@pytest.mark.parametrize("escape_slashes", [False, True], ids=["python", "php"])
def test_casso_vietnamese_text_signed_with_escapes_verifies(escape_slashes):
    body = encode(casso_body(description=f"{HOA} 2024/2025", counterAccountName="Đỗ Văn Ấn"))
    headers = php_or_python_casso_headers(body, escape_slashes=escape_slashes)
    CASSO.verify(secret=SECRET, headers=headers, body=body, now=NOW)
    assert CASSO.parse(body)[0].description == f"{HOA} 2024/2025"


def test_casso_escaped_forms_still_bind_the_content():
    body = encode(casso_body(description=HOA))
    headers = php_or_python_casso_headers(body, escape_slashes=False)
    forged = encode(casso_body(description=HOA.replace("Hoa", "Hòa")))
    with pytest.raises(SignatureError):
        CASSO.verify(secret=SECRET, headers=headers, body=forged, now=NOW)

"""The VietQR codec against public vectors, round trips and refusals."""

import json
import string
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payments.qr.vietqr import (
    MAX_AMOUNT,
    VietQR,
    VietQRError,
    build,
    build_from,
    crc16_ccitt_false,
    is_napas_conformant,
    parse,
    parse_emv,
)
from tests.conftest import DATA

VECTORS_DIR = DATA / "vectors"
VECTORS = json.loads((VECTORS_DIR / "vietqr_public.json").read_text(encoding="utf-8"))["vectors"]
BINS = [bank["bin"] for bank in json.loads((VECTORS_DIR / "napas_bins.json").read_text())["banks"]]
API_KEYS = {"valid", "point_of_initiation", "bank_bin", "account_number", "service_code"}
API_KEYS |= {"amount", "currency", "country", "merchant_name", "merchant_city", "bill_number"}
API_KEYS |= {"reference_label", "terminal_label", "purpose", "crc"}


def _vectors(**wanted: object) -> list:
    chosen = [v for v in VECTORS if all(v.get(key) == value for key, value in wanted.items())]
    return [pytest.param(v, id=v["id"]) for v in chosen]


def _payload(vector_id: str) -> str:
    return next(v["payload"] for v in VECTORS if v["id"] == vector_id)


def _with_crc(body: str) -> str:
    return body + f"{crc16_ccitt_false(body.encode()):04X}"


def _reason(payload: object, decode=parse) -> str:
    with pytest.raises(VietQRError) as refused:
        decode(payload)
    assert refused.value.message
    return refused.value.reason


def test_the_vector_tests_cover_every_vector():
    covered = _vectors(valid=True, scheme="vietqr") + _vectors(valid=True, scheme="emvco-other")
    assert len(covered + _vectors(valid=False)) == len(VECTORS) == 58


@pytest.mark.parametrize("vector", _vectors(valid=True, scheme="vietqr"))
def test_vietqr_vector_decodes_to_exactly_the_expected_fields(vector):
    qr, expected = parse(vector["payload"]), vector["expected"]
    assert qr.emv_fields() == parse_emv(vector["payload"]) == expected
    account, raw_amount = expected["merchant_account"], expected["amount"]
    additional = expected["additional_data"] or {}
    answer = qr.to_dict()
    assert set(answer) == API_KEYS
    assert answer == {
        "valid": True,
        "point_of_initiation": expected["point_of_initiation"],
        "bank_bin": account["bank_bin"],
        "account_number": account["account"],
        "service_code": account["service_code"],
        "amount": None if raw_amount is None else int(raw_amount.rstrip(".")),
        "currency": "704",
        "country": "VN",
        "merchant_name": expected["merchant_name"],
        "merchant_city": expected["merchant_city"],
        "bill_number": additional.get("bill_number"),
        "reference_label": additional.get("reference_label"),
        "terminal_label": additional.get("terminal_label"),
        "purpose": additional.get("purpose"),
        "crc": expected["crc"],
    }
    assert (qr.amount_text, list(qr.tag_order)) == (raw_amount, expected["tag_order"])


@pytest.mark.parametrize("vector", _vectors(valid=True, scheme="vietqr"))
def test_napas_findings_match_the_vector(vector):
    findings = is_napas_conformant(parse(vector["payload"]))
    assert findings == vector.get("napas_findings", [])
    assert (findings == []) is vector["napas_conformant"]


@pytest.mark.parametrize("vector", _vectors(valid=False))
def test_invalid_vector_is_refused_with_the_stated_reason(vector):
    assert _reason(vector["payload"]) == vector["reject_reason"]


ROUND_TRIP = [
    p
    for p in _vectors(valid=True, scheme="vietqr", napas_conformant=True)
    if p.values[0]["vietnam_qr_pay"]["roundtrip_build_equals_input"]
]


@pytest.mark.parametrize("vector", ROUND_TRIP)
def test_rebuilding_a_conforming_vector_reproduces_it_byte_for_byte(vector):
    assert build_from(parse(vector["payload"])) == vector["payload"]


def test_rebuilding_upper_cases_a_lower_case_crc():
    payload = _payload("vqrpay-mb-lowercase-crc")
    assert build_from(parse(payload)) == payload[:-4] + payload[-4:].upper()


@pytest.mark.parametrize(
    ("vector_id", "reason"),
    [
        ("sunary-agribank-long-message", "field_length"),
        ("sunary-sacombank-special-chars", "field_length"),
        ("gen-diacritics-raw-utf8", "non_ascii"),
    ],
)
def test_rebuilding_a_non_conforming_vector_is_refused(vector_id, reason):
    with pytest.raises(VietQRError) as refused:
        build_from(parse(_payload(vector_id)))
    assert refused.value.reason == reason


def test_rebuilding_puts_tags_in_canonical_order_with_the_same_meaning():
    qr = parse(_payload("emvqr-go-54-before-53"))
    rebuilt = parse(build_from(qr))
    assert rebuilt.tag_order == ("00", "01", "38", "53", "54", "58", "63")
    assert rebuilt.to_dict() | {"crc": None} == qr.to_dict() | {"crc": None}


@pytest.mark.parametrize("vector", [p for p in _vectors() if "input" in p.values[0]["source"]])
def test_build_from_keywords_matches_the_reference_encoder(vector):
    given_input = vector["source"]["input"]
    keywords = {"bank_bin": given_input["bankBin"], "account_number": given_input["account"]}
    if "amount" in given_input:
        keywords["amount"] = int(given_input["amount"])
    keywords["bill_number"] = given_input.get("billNumber")
    keywords["reference_label"] = given_input.get("reference")
    keywords["purpose"] = given_input.get("purpose")
    if vector["napas_conformant"]:
        assert build(**keywords) == vector["payload"]
    else:
        with pytest.raises(VietQRError) as refused:
            build(**keywords)
        assert refused.value.reason == "non_ascii"


def test_every_napas_bin_builds_static_and_dynamic_codes_that_parse_back():
    assert len(BINS) == 71
    for bank_bin in BINS:
        for amount, initiation in ((None, "11"), (35_000, "12")):
            qr = parse(build(bank_bin=bank_bin, account_number="0123456789", amount=amount))
            assert (qr.bank_bin, qr.point_of_initiation, qr.amount) == (
                bank_bin,
                initiation,
                amount,
            )


ascii_text = st.text(alphabet=string.printable[:95], min_size=1, max_size=25)
accounts = st.from_regex(r"[0-9A-Za-z]{1,19}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(
    bank_bin=st.sampled_from(BINS),
    account_number=accounts,
    service_code=st.sampled_from(["QRIBFTTA", "QRIBFTTC"]),
    amount=st.none() | st.integers(1, MAX_AMOUNT),
    bill_number=st.none() | ascii_text,
    reference_label=st.none() | ascii_text,
    terminal_label=st.none() | ascii_text,
    purpose=st.none() | ascii_text,
    merchant_name=st.none() | ascii_text,
    merchant_city=st.none() | ascii_text.map(lambda text: text[:15]),
)
def test_build_then_parse_gives_back_every_field(**fields):
    sub_fields = ("bill_number", "reference_label", "terminal_label", "purpose")
    additional = sum(4 + len(fields[name]) for name in sub_fields if fields[name])
    if additional > 99:  # tag 62 would need a three-digit length
        with pytest.raises(VietQRError) as refused:
            build(**fields)
        assert refused.value.reason == "field_length"
        return
    payload = build(**fields)
    qr = parse(payload)
    for name, value in fields.items():
        assert getattr(qr, name) == value
    assert is_napas_conformant(qr) == []
    assert build_from(qr) == payload
    dynamic = fields["amount"] is not None or fields["bill_number"] or fields["reference_label"]
    assert qr.point_of_initiation == ("12" if dynamic else "11")


@settings(max_examples=200, deadline=None)
@given(data=st.data(), amount=st.integers(1, MAX_AMOUNT), purpose=ascii_text)
def test_a_one_character_typo_never_decodes(data, amount, purpose):
    payload = build(bank_bin="970422", account_number="0352000111", amount=amount, purpose=purpose)
    position = data.draw(st.integers(0, len(payload) - 5), label="position")
    typo = data.draw(
        st.sampled_from(string.printable[:95]).filter(lambda c: c != payload[position])
    )
    with pytest.raises(VietQRError):
        parse(payload[:position] + typo + payload[position + 1 :])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_any_text_either_parses_or_is_refused_with_a_reason(text):
    try:
        qr = parse(text)
    except VietQRError as refused:
        assert refused.reason and refused.message
    else:
        assert qr.to_dict()["valid"] is True


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("", "payload_length"),
        ("0" * 10_240, "payload_length"),
        ("hello world", "root_length"),
        ("Xin chào, đây không phải mã QR", "root_length"),
        ("00020", "root_length"),
        ("000201", "missing_crc"),
        ("00020101021163041D3A\n", "not_text"),
        ("00020101021153037045802VN6304" + "0000", "crc_mismatch"),
        ("01021100020163040000", "payload_format_indicator"),
        ("000201010211", "missing_crc"),
        ("0002016304AAAA0102111", "root_length"),
        ("00000101", "zero_length_field"),
    ],
)
def test_garbage_is_refused_with_a_reason(payload, reason):
    assert _reason(payload) == reason


@pytest.mark.parametrize("payload", [None, 42, b"000201", ["000201"]])
def test_non_text_input_is_refused(payload):
    assert _reason(payload) == "not_text"


def test_crc_that_is_not_the_last_field_is_refused():
    assert _reason(_with_crc("0002016304") + "010211") == "crc_tag"


@pytest.mark.parametrize(
    ("find", "replace_with", "reason"),
    [
        ("QRIBFTTA", "QRIBFTTX", "service_code"),
        ("54015", "54010", "amount_format"),
        ("54015", "5401.", "amount_format"),
        ("5303704", "5303764", "structure_semantic"),
        ("5802VN", "5802TH", "structure_semantic"),
        ("0010A000000727", "0010A000000775", "unsupported_scheme"),
        ("5802VN", "5802VN5802VN", "structure_semantic"),
    ],
)
def test_semantic_defects_with_a_correct_crc_are_refused(find, replace_with, reason):
    payload = build(
        bank_bin="970422", account_number="0352000111", amount=5, bill_number="DH000123"
    )
    assert _reason(_with_crc(payload[:-4].replace(find, replace_with))) == reason


def test_decode_answer_has_null_for_absent_fields():
    answer = parse(build(bank_bin="970436", account_number="1016039126")).to_dict()
    assert answer == {key: None for key in API_KEYS} | {
        "valid": True,
        "point_of_initiation": "11",
        "bank_bin": "970436",
        "account_number": "1016039126",
        "service_code": "QRIBFTTA",
        "currency": "704",
        "country": "VN",
        "crc": answer["crc"],
    }


def _build_reason(**overrides: object) -> str:
    keywords: dict = {"bank_bin": "970422", "account_number": "0352000111"} | overrides
    with pytest.raises(VietQRError) as refused:
        build(**keywords)
    assert refused.value.message
    return refused.value.reason


@pytest.mark.parametrize("amount", [0, -1, -50_000, 10**13, 12.5, 1e6, True, False, "50000"])
def test_builder_refuses_amounts_outside_whole_dong_1_to_13_digits(amount):
    assert _build_reason(amount=amount) == "amount_format"


def test_builder_accepts_the_largest_amount_tag_54_can_carry():
    payload = build(bank_bin="970422", account_number="1", amount=MAX_AMOUNT)
    assert "54139999999999999" in payload
    assert parse(payload).amount == MAX_AMOUNT


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"purpose": "Học phí HK1"}, "non_ascii"),
        ({"purpose": "Thanh toán"}, "non_ascii"),
        ({"merchant_name": "NGUYỄN THỊ HOA"}, "non_ascii"),
        ({"purpose": "tab\there"}, "non_ascii"),
        ({"purpose": "A" * 26}, "field_length"),
        ({"bill_number": "B" * 26}, "field_length"),
        ({"reference_label": "R" * 26}, "field_length"),
        ({"merchant_name": "M" * 26}, "field_length"),
        ({"merchant_city": "VINH LONG CITY X"}, "field_length"),
        ({"purpose": 12345}, "not_text"),
        ({"bank_bin": "97042"}, "bin_format"),
        ({"bank_bin": "97042A"}, "bin_format"),
        ({"account_number": ""}, "account_format"),
        ({"account_number": "0" * 20}, "account_format"),
        ({"account_number": "012-345"}, "account_format"),
        ({"account_number": "vqr 123"}, "account_format"),
        ({"service_code": "QRIBFTTX"}, "service_code"),
        ({"point_of_initiation": "13"}, "point_of_initiation"),
    ],
)
def test_builder_never_emits_a_non_conforming_payload(overrides, reason):
    assert _build_reason(**overrides) == reason


def test_builder_accepts_exactly_25_characters_of_purpose():
    payload = build(bank_bin="970422", account_number="0352000111", purpose="A" * 25)
    assert parse(payload).purpose == "A" * 25


def test_empty_optional_text_is_left_out():
    with_empty = build(bank_bin="970422", account_number="1", purpose="", bill_number="")
    assert with_empty == build(bank_bin="970422", account_number="1")
    assert parse(with_empty).point_of_initiation == "11"


@pytest.mark.parametrize(
    ("keywords", "initiation"),
    [
        ({}, "11"),
        ({"purpose": "UNG HO"}, "11"),
        ({"amount": 1000}, "12"),
        ({"bill_number": "HP2425"}, "12"),
        ({"reference_label": "QRABCDEFGH"}, "12"),
        ({"amount": 1000, "point_of_initiation": "11"}, "11"),
    ],
)
def test_point_of_initiation_is_dynamic_when_the_code_is_for_one_payment(keywords, initiation):
    payload = build(bank_bin="970422", account_number="0352000111", **keywords)
    assert parse(payload).point_of_initiation == initiation


def test_build_from_keeps_unmodelled_tags_and_drops_a_stale_amount_text():
    assert parse(build_from(parse(_payload("vqrpay-py-momo-bvbank-tag80")))).tags["80"] == "046"
    dotted = parse(_payload("derived-amount-trailing-dot"))
    changed = replace(dotted, amount=200_000)
    assert parse(build_from(changed)).amount_text == "200000"


def test_build_from_refuses_a_hand_made_qr_in_another_currency():
    qr = VietQR(point_of_initiation="11", bank_bin="970422", account_number="1", currency="764")
    with pytest.raises(VietQRError) as refused:
        build_from(qr)
    assert refused.value.reason == "structure_semantic"


def test_error_messages_say_what_is_wrong():
    spec = _payload("napas-6.1.2-static-card")
    with pytest.raises(VietQRError, match="CRC is 4F53 but the payload computes to 4F52"):
        parse(spec[:-4] + "4F53")
    with pytest.raises(
        VietQRError, match="tag 53 after tag 38 declares length 3 but only 0 characters remain"
    ):
        parse(_payload("vietqr-ts-truncated"))
    with pytest.raises(VietQRError, match="purpose contains 'ọ'"):
        build(bank_bin="970422", account_number="1", purpose="Học phí")
    assert isinstance(VietQRError("x", "y"), ValueError)


@pytest.mark.parametrize("account", ["VQRMB0a1b2c3", "tpbank0912345678", "0123456789"])
def test_an_account_with_letters_in_either_case_is_kept_as_given(account):
    # NAPAS's consumer-account field is "ans": MB's virtual accounts and TPBank's aliases
    # carry lower-case letters, and a payer's app reads them as they are.
    payload = build(bank_bin="970422", account_number=account, amount=15000)
    qr = parse(payload)
    assert qr.account_number == account
    assert build_from(qr) == payload

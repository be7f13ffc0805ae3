"""The EMVCo layer every VietQR stands on: TLV, tags 00 and 63 and the CRC, for any
merchant-presented QR, against the public vectors."""

import pytest

from payments.qr.emv import crc16_ccitt_false, parse_emv
from payments.qr.vietqr import parse
from tests.payments.qr.test_vietqr import _payload, _reason, _vectors


@pytest.mark.parametrize("vector", _vectors(valid=True, scheme="emvco-other"))
def test_other_emvco_vector_passes_tlv_and_crc_but_is_not_vietqr(vector):
    assert parse_emv(vector["payload"]) == vector["expected"]
    assert _reason(vector["payload"]) == "unsupported_scheme"


EMV_LAYER = {"crc_mismatch", "crc_not_hex", "crc_tag", "root_length", "zero_length_field"}
EMV_LAYER |= {"nested_length", "missing_crc", "payload_format_indicator"}


@pytest.mark.parametrize(
    "vector", [p for p in _vectors(valid=False) if p.values[0]["reject_reason"] in EMV_LAYER]
)
def test_generic_layer_refuses_broken_tlv_and_crc_for_the_same_reason(vector):
    assert _reason(vector["payload"], decode=parse_emv) == vector["reject_reason"]


@pytest.mark.parametrize(
    ("data", "crc"),
    [
        (b"123456789", 0x29B1),  # the published check value of CRC-16/CCITT-FALSE
        (b"", 0xFFFF),
        (_payload("napas-6.1.2-static-card")[:-4].encode(), 0x4F52),
        (b"A", 0xB915),
    ],
)
def test_crc_of_known_strings(data, crc):
    assert crc16_ccitt_false(data) == crc


def test_crc_runs_over_utf8_bytes_while_lengths_count_characters():
    payload = _payload("gen-diacritics-raw-utf8")
    assert int(payload[-4:], 16) == crc16_ccitt_false(payload[:-4].encode("utf-8"))
    assert parse(payload).purpose == "Học phí HK1"

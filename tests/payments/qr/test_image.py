"""QR images decode back to the exact payload, with print-grade error correction."""

import io

import zxingcpp
from PIL import Image

from payments.qr.image import QUIET_ZONE, qr_matrix, qr_png, qr_svg
from payments.qr.vietqr import build

PAYLOAD = build(
    bank_bin="970436", account_number="1234567890123", amount=150000, purpose="CHABCDEFGH1 rau cu"
)


def decode_png(data: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]


def test_png_decodes_to_the_exact_payload_with_q_level_correction():
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(PAYLOAD))))
    assert [r.text for r in results] == [PAYLOAD]
    assert results[0].ec_level == "Q"


def test_the_symbol_has_a_four_module_quiet_zone():
    matrix = qr_matrix(PAYLOAD)
    assert QUIET_ZONE == 4
    for ring in range(4):
        assert not any(matrix[ring]) and not any(matrix[-1 - ring])
        assert not any(row[ring] or row[-1 - ring] for row in matrix)
    assert matrix[4][4]  # the finder pattern starts right after the quiet zone


def test_svg_is_a_scalable_document():
    svg = qr_svg(PAYLOAD)
    assert svg.startswith("<svg") and "<path" in svg and "viewBox" in svg

"""QR images of a payload: PNG and SVG, error correction fit for print, a 4-module quiet zone."""

import io
from functools import lru_cache

import qrcode
import qrcode.image.svg
from PIL import Image
from qrcode.constants import ERROR_CORRECT_Q

QUIET_ZONE = 4  # modules, as ISO/IEC 18004 asks
# Q recovers about 25 % of the symbol: placards get wet, creased and taped over.
ERROR_CORRECTION = ERROR_CORRECT_Q


def _code(payload: str, box_size: int = 1) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE, box_size=box_size)
    code.add_data(payload.encode("utf-8"), optimize=0)
    code.make(fit=True)
    return code


@lru_cache(maxsize=4096)
def _matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    return tuple(tuple(row) for row in _code(payload).get_matrix())


def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of the symbol, quiet zone included (True = dark); recent ones are cached
    because choosing the mask costs ~15 ms in pure Python and placards are printed again."""
    return _matrix(payload)


def qr_image(payload: str, size: int) -> Image.Image:
    """A black-and-white image of about size pixels with whole-pixel modules."""
    matrix = qr_matrix(payload)
    modules = len(matrix)
    scale = max(size // modules, 1)
    small = Image.new("1", (modules, modules), 1)
    small.putdata([0 if dark else 1 for row in matrix for dark in row])
    return small.resize((modules * scale, modules * scale), Image.NEAREST)


def qr_png(payload: str, size: int = 600) -> bytes:
    """The QR code as a PNG about size pixels wide."""
    buffer = io.BytesIO()
    qr_image(payload, size).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def qr_svg(payload: str) -> str:
    """The QR code as an SVG document (1 mm modules) that scales to any size."""
    image = _code(payload, box_size=10).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")

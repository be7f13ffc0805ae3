"""The typeface of everything the service prints (placards, receipts): Source Sans Pro, as
installed with its package, for Pillow and for ReportLab."""

from functools import cache
from pathlib import Path

import font_source_sans_pro
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FILES = {
    "regular": "SourceSansPro-Regular.ttf",
    "bold": "SourceSansPro-Bold.ttf",
    "italic": "SourceSansPro-It.ttf",
}
# The names ReportLab knows each weight by, once register_pdf_fonts() has run.
PDF_NAMES = {weight: f"sans-{weight}" for weight in FILES}


@cache
def font_path(weight: str) -> str:
    """The TrueType file of a weight (regular, bold, italic)."""
    return str(Path(font_source_sans_pro.font_directory) / FILES[weight])


@cache
def register_pdf_fonts() -> None:
    """Make every weight known to ReportLab under PDF_NAMES (once per process)."""
    for weight, name in PDF_NAMES.items():
        pdfmetrics.registerFont(TTFont(name, font_path(weight)))

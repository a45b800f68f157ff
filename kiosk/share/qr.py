"""A QR code of a share link as PNG bytes, for the kiosk screen (made in memory)."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage


def qr_png(text: str, *, module_px: int = 8, border_modules: int = 4) -> bytes:
    """Encode ``text`` as a black-on-white QR code PNG; the quiet zone phones need is kept."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=module_px, border=border_modules
    )
    code.add_data(text)
    code.make(fit=True)
    buf = io.BytesIO()
    code.make_image(image_factory=PilImage).save(buf, format="PNG")
    return buf.getvalue()


def qr_text(text: str) -> str:
    """The same code drawn with characters, for a terminal (``keepsake share``)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()

"""The QR modules of a payload, computed once the same way for every renderer.

The PDF draws them as vector rectangles, the PNG preview and the ESC/POS raster fallback as
whole pixels per module, so the three outputs carry the same symbol.
"""

from __future__ import annotations

import qrcode
import qrcode.constants


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR modules of ``payload`` (medium error correction, no quiet zone)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]

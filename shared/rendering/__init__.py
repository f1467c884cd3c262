"""Pure renderers: a plain object in, bytes out (PDF, ESC/POS, PNG).

Nothing here imports Qt or touches a printer, so tests render and read the bytes back, and the
same layout feeds every output format.
"""

from __future__ import annotations

from shared.rendering.escpos_render import EscposProfile
from shared.rendering.fonts import CJK_FONT, register_cjk_font
from shared.rendering.ticket import (
    TicketSlip,
    as_reprint,
    render_ticket_escpos,
    render_ticket_pdf,
    render_ticket_png,
    slip_from_view,
    ticket_layout,
)

__all__ = [
    "CJK_FONT",
    "EscposProfile",
    "TicketSlip",
    "as_reprint",
    "register_cjk_font",
    "render_ticket_escpos",
    "render_ticket_pdf",
    "render_ticket_png",
    "slip_from_view",
    "ticket_layout",
]

"""QR codes as inline SVG (segno): scanned from the assistant's phone during a visit."""

from __future__ import annotations

import segno
from markupsafe import Markup

from pwa.i18n import gettext as _


def qr_svg(data: str) -> Markup:
    """An SVG element (no script, no style attribute: CSP-clean) encoding `data`."""
    code = segno.make(data, error="m")
    svg = code.svg_inline(
        scale=5, border=4, title=_("QR code of the invitation link"), svgclass="qr"
    )
    return Markup(svg)  # noqa: S704  (segno's own SVG markup, built from our data)

"""Colour measures the tests hold the status colours to: WCAG 2 contrast, and CIE76 distance as seen with
each kind of colour-blindness."""

from __future__ import annotations

# Machado, Oliveira and Fernandes (2009), full severity: what a person with each colour-blindness sees.
BLINDNESS = {
    "none": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
APART = 10.0  # CIE76 ΔE between two status colours that a reader tells apart at a glance


def linear(hex_colour: str) -> list[float]:
    """The linear sRGB channels of `#rrggbb`."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two sRGB colours."""
    lum = [0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b in (linear(a), linear(b))]
    high, low = max(lum), min(lum)
    return (high + 0.05) / (low + 0.05)


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a linear sRGB colour."""
    r, g, b = (min(max(c, 0.0), 1.0) for c in rgb)
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           0.0193 * r + 0.1192 * g + 0.9505 * b)  # fmt: skip
    f = [t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
         for t in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883)]  # fmt: skip
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def seen(hex_colour: str, kind: str) -> tuple[float, float, float]:
    """The colour as a person with `kind` of colour-blindness sees it, in CIE L*a*b*."""
    return _lab([sum(m * c for m, c in zip(row, linear(hex_colour), strict=True)) for row in BLINDNESS[kind]])


def distance(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """CIE76 ΔE between two L*a*b* colours."""
    return float(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5)

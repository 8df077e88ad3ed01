"""Spreadsheet cells that can never run as formulas (CSV/formula injection).

A text cell that begins with = + - @ (or a tab / carriage return, which some programs skip
before reading a formula) is written with a leading apostrophe, the escape spreadsheet
programs themselves use for "this is text". Numbers are left as numbers.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def escape_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def escape_rows(rows):
    return [[escape_cell(cell) for cell in row] for row in rows]


def escape_frame(frame):
    """A pandas DataFrame with every text cell (and header) escaped."""
    out = frame.map(escape_cell) if hasattr(frame, "map") else frame.applymap(escape_cell)
    out.columns = [escape_cell(c) for c in out.columns]
    return out

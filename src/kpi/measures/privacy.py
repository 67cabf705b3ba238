"""Suppressing small counts of staff-related measures broken down by unit, so no person can be identified."""

from __future__ import annotations

import pandas as pd

MARKER = "< 5"


def suppress_small_counts(
    frame: pd.DataFrame, *, count_columns: list[str], min_count: int = 5, marker: str | None = None
) -> pd.DataFrame:
    """Replace counts below `min_count` with a visible marker and say why in a ``note`` column.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per unit (or other breakdown) of a staff-related measure.
    count_columns : list of str
        Columns holding counts of people or of their events (sick-leave spells, say).
    min_count : int
        Counts from 1 to ``min_count - 1`` are suppressed; 0 is published (it identifies nobody).
    marker : str, optional
        Text shown instead of the count; ``"< {min_count}"`` by default.

    Returns
    -------
    pandas.DataFrame
        A copy whose count columns are text (object) where anything was suppressed, plus ``note``.
    """
    marker = marker or f"< {min_count}"
    out = frame.copy()
    notes = pd.Series("", index=out.index)
    for column in count_columns:
        small = out[column].notna() & (out[column] > 0) & (out[column] < min_count)
        if small.any():
            out[column] = out[column].astype(object)
            out.loc[small, column] = marker
            notes[small] = f"alle {min_count} henkilön luvut piilotettu tietosuojan vuoksi"
    out["note"] = notes
    return out

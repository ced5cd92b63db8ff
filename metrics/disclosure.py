"""Disclosure control for small numbers at neighbourhood and practice level.

Counts below the threshold (default 5, zero included) are shown as `<5`. Secondary suppression:
where a line that adds up to a shown total has exactly one suppressed cell, the next smallest cell
on that line is suppressed too, so the total cannot be used to work the hidden one out.
"""
from __future__ import annotations

import pandas as pd

from domain.vocabulary import SUPPRESSION_THRESHOLD


def suppression_mask(frame: pd.DataFrame, columns: list[str], *, threshold: int = SUPPRESSION_THRESHOLD,
                     total_row: object | None = None, row_totals: bool = False) -> pd.DataFrame:
    """Boolean frame (same index, `columns`) marking cells to hide.

    ``total_row``: index label of a row holding column totals (it is never hidden itself but
    protects the column). ``row_totals``: the columns add up to a total shown elsewhere on the
    row, so each row is protected too.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    values = frame[columns].apply(pd.to_numeric, errors="coerce")
    body = values.drop(index=[total_row]) if total_row is not None else values
    mask = (body < threshold) & body.notna()
    changed = True
    while changed:  # secondary suppression can cascade
        changed = False
        if total_row is not None:
            for col in columns:
                if mask[col].sum() == 1:
                    candidates = body[col][~mask[col]].dropna()
                    if len(candidates):
                        mask.loc[candidates.idxmin(), col] = True
                        changed = True
        if row_totals:
            for idx in mask.index:
                if mask.loc[idx].sum() == 1:
                    candidates = body.loc[idx][~mask.loc[idx]].dropna()
                    if len(candidates):
                        mask.loc[idx, candidates.astype(float).idxmin()] = True
                        changed = True
    if total_row is not None:
        mask.loc[total_row] = False
        mask = mask.loc[values.index]
    return mask


def apply_suppression(frame: pd.DataFrame, columns: list[str], **kwargs) -> pd.DataFrame:
    """A display copy: hidden cells become the text `<5` (values stay numbers elsewhere)."""
    threshold = kwargs.get("threshold", SUPPRESSION_THRESHOLD)
    mask = suppression_mask(frame, columns, **kwargs)
    out = frame.copy().astype({c: object for c in columns})
    for col in columns:
        out.loc[mask[col], col] = f"<{threshold}"
    return out

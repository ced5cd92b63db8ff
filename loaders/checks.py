"""Checks across the loaded files and the authority's profile, run once every file has loaded.

Each check returns warnings for a file: a file that holds no rows for the authority (wrong code,
wrong edition), GP practices the profile and the registrations file disagree about, and a newest
registrations extract without age bands. None of them stops an ingest; all of them are shown in
`mps ingest` / `mps validate` output and on the Sources page, so nothing is silently empty.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

# Tables whose rows carry an ONS area code, and the type of a local authority's rows in them.
AREA_TABLES = {"prevalence": "la", "population": "la", "indicators": "la"}
SHOWN = 6  # codes or practices listed in one warning before "and N more"


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def no_rows_for_authority(frame: pd.DataFrame, table: str, code: str | None, name: str | None) -> list[str]:
    """A file of local-authority rows none of which is the authority's: say which it holds, most
    frequent first. Files of only regions or England (comparators) are not warned about."""
    if not code or table not in AREA_TABLES or frame.empty or "area_code" not in frame.columns:
        return []
    la = frame[frame["area_type"] == AREA_TABLES[table]] if "area_type" in frame.columns else frame
    if la.empty or (la["area_code"] == code).any():
        return []
    counts = la.groupby(["area_code", "area_name"], dropna=False).size().sort_values(ascending=False)
    held = [f"{c} {n}" if isinstance(n, str) and n else str(c) for (c, n) in counts.index]
    return [f"no rows for the authority, {name or ''} ({code}): the file holds " + _listed(held)
            + " (most rows first). Is it the right authority's file, or the right edition?"]


def no_homes_for_authority(frame: pd.DataFrame, name: str | None) -> list[str]:
    """A CQC directory with no location in the authority (matched by its local authority name)."""
    if not name or frame.empty or "local_authority" not in frame.columns:
        return []
    la = frame["local_authority"].fillna("").str.strip().str.lower()
    if (la == name.strip().lower()).any():
        return []
    held = frame["local_authority"].fillna("(blank)").value_counts()
    return [f"no locations in {name}: the directory's local authorities are "
            + _listed([f"{k} ({int(v)})" for k, v in held.items()]) + " (most locations first)"]


def practice_coverage(frame: pd.DataFrame, practices: pd.DataFrame | None, nhs: dict,
                      districts: pd.DataFrame | None) -> list[str]:
    """Registrations against the profile's practices (the file's newest extract): the profile's
    practices the file lacks, and practices the file files under the authority's CCG / sub-ICB
    codes that the profile lacks (for a code shared with other authorities, only those in the
    authority's postcode districts)."""
    if practices is None or practices.empty or frame.empty:
        return []
    newest = frame[frame["extract_date"] == frame["extract_date"].max()]
    in_file = set(newest["practice_code"].dropna())
    names = dict(zip(practices["practice_code"], practices["practice_name"]))
    warnings = []
    missing = [c for c in practices["practice_code"] if c not in in_file]
    if len(missing) == len(practices):
        return [f"none of the profile's {len(practices)} practices is in this file (extract "
                f"{newest['extract_date'].iloc[0]}): no rows for the authority"]
    if missing:
        warnings.append(f"{len(missing)} of the profile's {len(practices)} practices are not in this file "
                        f"(extract {newest['extract_date'].iloc[0]}), so they are not counted or exported: "
                        + _listed([f"{c} {names.get(c, '')}".strip() for c in missing]))
    unknown = _unlisted_practices(newest, set(practices["practice_code"]), nhs, districts)
    if unknown:
        warnings.append(f"{len(unknown)} practice(s) under the authority's CCG / sub-ICB codes are not in "
                        "the profile's practices.csv, so no neighbourhood counts them: " + _listed(unknown))
    return warnings


def _unlisted_practices(newest: pd.DataFrame, listed: set[str], nhs: dict,
                        districts: pd.DataFrame | None) -> list[str]:
    codes = {str(c).upper() for c in nhs.get("ccg_codes", [])}
    shared = {str(c).upper() for c in nhs.get("shared_ccg_codes", [])}
    if not codes or "ccg_code" not in newest.columns:
        return []
    rows = newest[newest["ccg_code"].fillna("").str.upper().isin(codes)]
    own_districts = {str(d).upper() for d in nhs.get("practice_postcode_districts", [])} or (
        set(districts["postcode_district"].str.upper()) if districts is not None and len(districts) else None)
    district = rows["practice_postcode"].fillna("").str.upper().str.split().str[0]
    in_area = ~rows["ccg_code"].str.upper().isin(shared) | (district.isin(own_districts) if own_districts else True)
    rows = rows[in_area & ~rows["practice_code"].isin(listed)]
    return [f"{c} ({p})" for c, p in rows.drop_duplicates("practice_code")[["practice_code", "practice_postcode"]]
            .itertuples(index=False)]


def age_band_fallback(registrations: list[tuple[Path, pd.DataFrame]]) -> dict[Path, list[str]]:
    """A newest extract without age bands: age-based figures come from the newest extract that has
    them; say which, on the file that lacks them."""
    dated = [(f["extract_date"].max(), path, bool((f["age_band"] != "all").any()))
             for path, f in registrations if len(f)]
    if not dated:
        return {}
    newest = max(dated)
    if newest[2]:
        return {}
    with_bands = [d for d in dated if d[2]]
    if not with_bands:
        return {newest[1]: [f"this extract ({newest[0]}) has no age bands and no other registrations file has "
                            "them: age-based neighbourhood figures cannot be shown (add the quinary-age file)"]}
    older = max(with_bands)
    return {newest[1]: [f"this extract ({newest[0]}) has no age bands: age-based figures (demand and "
                        f"patients aged 65+ and 75+ by neighbourhood and practice) come from {older[1].name} "
                        f"(extract {older[0]}); all-age counts from this one"]}


def run(results, ctx) -> dict[Path, list[str]]:
    """Warnings by file for every loaded (path, LoadResult)."""
    out: dict[Path, list[str]] = {}
    practices = ctx.authority_lookup("practices.csv")
    districts = ctx.authority_lookup("postcode_districts.csv")
    nhs = ctx.config.get("nhs", {}) if ctx.config else {}
    registrations = []
    for path, result in results:
        warnings = no_rows_for_authority(result.frame, result.table, ctx.area_code, ctx.area_name)
        if result.table == "care_providers":
            warnings += no_homes_for_authority(result.frame, ctx.area_name)
        if result.table == "registrations":
            warnings += practice_coverage(result.frame, practices, nhs, districts)
            registrations.append((path, result.frame))
        if warnings:
            out.setdefault(path, []).extend(warnings)
    for path, warnings in age_band_fallback(registrations).items():
        out.setdefault(path, []).extend(warnings)
    return out

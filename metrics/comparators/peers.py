"""Peer groups: the upper-tier authorities most like each other, by NHS England's published method.

Method: NHS England Adult Social Care Statistics, "Peer Groups for Local Authorities"
(github.com/NHSDigital/ASC_LA_Peer_Groups, MIT code, documentation under OGL v3). The facts of the
method are carried over (features, default weights, transforms, their order, distance, 15 peers,
the two authorities left out); the code here is this project's own. One function per step:

1. `authority_counts`: Census 2021 LSOA counts summed to upper-tier authorities through the ONS
   LSOA 2021 -> upper-tier authority lookup (English LSOAs only; the excluded authorities' LSOAs
   left out before anything is computed).
2. `sparsity`: the share of residents living in LSOAs of at most 4 people per hectare, those in
   LSOAs of at most 0.5 counted twice.
3. `features`: the features per authority (shares as percentages, as the method has them).
4. `candidate_transforms`, `scale`, `best_transform`: each feature transformed every candidate
   way, each candidate scaled to 0..weight, and the one whose Shapiro-Wilk p-value is highest kept.
5. `distances`, `nearest`: Euclidean distance between authorities over the scaled features; the k
   nearest (15 by default) are each authority's peers.

`peer_table(store)` runs them on the store's `census_lsoa` and `lsoa_authorities` tables, with the
weights, number of peers and exclusions from the profile's `[peers]` (defaults as published).
"""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from domain.contract import EXPORT_TABLES
from store import Store, register_peer_groups

# --------------------------------------------------------------------------------------------
# What the method uses

FEATURES: dict[str, dict] = {
    # key: label, numerator measures (summed), denominator measure, multiplier, default weight
    "over_15_population": {"label": "Residents aged 15 and over", "num": ("age_15_plus",),
                           "den": None, "mult": 1.0, "weight": 1.0},
    "aged_85_plus_pct": {"label": "Aged 85 and over, % of residents aged 15+", "num": ("age_85_plus",),
                         "den": "age_15_plus", "mult": 100.0, "weight": 1.0},
    "black_african_pct": {"label": "Black African, % of residents", "num": ("ethnic_black_african",),
                          "den": "ethnic_total", "mult": 100.0, "weight": 0.5},
    "black_caribbean_pct": {"label": "Black Caribbean, % of residents", "num": ("ethnic_black_caribbean",),
                            "den": "ethnic_total", "mult": 100.0, "weight": 0.5},
    "bangladeshi_pct": {"label": "Bangladeshi, % of residents", "num": ("ethnic_bangladeshi",),
                        "den": "ethnic_total", "mult": 100.0, "weight": 0.5},
    "indian_pct": {"label": "Indian, % of residents", "num": ("ethnic_indian",),
                   "den": "ethnic_total", "mult": 100.0, "weight": 0.5},
    "chinese_pct": {"label": "Chinese, % of residents", "num": ("ethnic_chinese",),
                    "den": "ethnic_total", "mult": 100.0, "weight": 0.5},
    "pakistani_pct": {"label": "Pakistani, % of residents", "num": ("ethnic_pakistani",),
                      "den": "ethnic_total", "mult": 100.0, "weight": 0.5},
    "social_renters_pct": {"label": "Social renters, % of households", "num": ("tenure_social_rented",),
                           "den": "tenure_total", "mult": 100.0, "weight": 1.0},
    "students_pct": {"label": "Full-time students, % of residents aged 16+", "num": ("nssec_students",),
                     "den": "nssec_total", "mult": 100.0, "weight": 1.0},
    "low_english_pct": {"label": "Cannot speak English well or at all, % of residents aged 3+",
                        "num": ("english_not_well", "english_not_at_all"), "den": "english_total",
                        "mult": 100.0, "weight": 1.0},
    "people_per_sq_km": {"label": "People per square km", "num": ("population_total",),
                         "den": "area_sq_km", "mult": 1.0, "weight": 1.0},
    "level4_pct": {"label": "Level 4 qualifications and above, % of residents aged 16+",
                   "num": ("qualification_level4",), "den": "qualification_total", "mult": 100.0,
                   "weight": 1.0},
    "distance_to_sea_km": {"label": "Distance to the sea (km), mean of its LSOAs", "num": ("distance_to_sea_km",),
                           "den": None, "mult": 1.0, "weight": 0.5, "mean": True},
    "sparsity": {"label": "Sparsity: share living in LSOAs of at most 4 people per hectare "
                          "(at most 0.5 counted twice)", "num": ("population_total", "area_sq_km"),
                 "den": None, "mult": 1.0, "weight": 1.0, "lsoa": True},
}
"""The published features with their default weights (config.toml [FEATURE_WEIGHTS]); those the
method ships at weight 0 (aged 65-84, mixed, white, home owners, routine/manual, few rooms) are not
offered. Measures are the `census_lsoa` table's."""

DEFAULT_EXCLUDED: tuple[str, ...] = ()
"""Authorities left out when no settings name any. The method's published exclusions (two
authorities, by name, config.toml [REMOVE_LAS]) are facts about authorities, so they live in
data/lookups/peer_groups.toml, which ingest puts in the manifest's `peers` under the profile's own."""

DEFAULT_PEERS = 15

TRANSFORMS = ("none", "yeo_johnson", "square_root", "log1p", "square", "box_cox", "reciprocal_square_root",
              "reciprocal")
"""The candidates in the method's order (the first wins a tie of p-values); the last three only
where every value is above zero."""


@dataclass(frozen=True)
class PeerSettings:
    """Weights (0 drops a feature), how many peers, which authorities (by name) are left out."""
    weights: dict = field(default_factory=lambda: {k: f["weight"] for k, f in FEATURES.items()})
    n_peers: int = DEFAULT_PEERS
    excluded: tuple[str, ...] = DEFAULT_EXCLUDED

    @classmethod
    def from_profile(cls, found: dict | None) -> PeerSettings:
        """From the profile's `[peers]`: `n_peers`, `excluded` (names) and `[peers.weights]`
        (feature key -> weight from 0 to 1). Raises ValueError naming a wrong key or value."""
        found = dict(found or {})
        weights = {k: f["weight"] for k, f in FEATURES.items()}
        for key, value in dict(found.pop("weights", {}) or {}).items():
            if key not in FEATURES:
                raise ValueError(f"[peers.weights] {key!r} is not a feature: one of {', '.join(FEATURES)}")
            if not isinstance(value, (int, float)) or not 0 <= float(value) <= 1:
                raise ValueError(f"[peers.weights] {key} = {value!r}: a weight is a number from 0 to 1")
            weights[key] = float(value)
        n = found.pop("n_peers", DEFAULT_PEERS)
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"[peers] n_peers = {n!r}: a whole number of at least 1")
        excluded = found.pop("excluded", list(DEFAULT_EXCLUDED))
        if not isinstance(excluded, list) or not all(isinstance(x, str) for x in excluded):
            raise ValueError("[peers] excluded: a list of authority names as the LSOA lookup gives them")
        if found:
            raise ValueError(f"[peers] has no setting {sorted(found)[0]!r}: n_peers, excluded, weights")
        return cls(weights=weights, n_peers=n, excluded=tuple(excluded))


# --------------------------------------------------------------------------------------------
# The steps

def authority_counts(lsoa: pd.DataFrame, lookup: pd.DataFrame,
                     excluded: tuple[str, ...] = DEFAULT_EXCLUDED) -> pd.DataFrame:
    """Step 1: each measure summed over an authority's LSOAs (distance to the sea: the mean of its
    LSOAs' distances, as the method aggregates it), one row per authority, one column per measure.

    `lsoa`: long rows (lsoa_code, measure, value); `lookup`: (lsoa_code, authority_code,
    authority_name), the ONS LSOA 2021 -> upper-tier authority best-fit lookup. Only English LSOAs
    (codes starting E) in the lookup count; authorities named in `excluded` are left out. An LSOA
    the lookup lacks is left out (the method's inner join). A measure no LSOA of an authority has
    stays blank, never 0."""
    rows, keys = _with_authority(lsoa, lookup, excluded)
    group = [rows["authority"], rows["measure"]]
    wide = rows.groupby(group, observed=True, sort=False)["value"].sum(min_count=1).unstack("measure")
    if "distance_to_sea_km" in wide.columns:
        sea = rows[rows["measure"] == "distance_to_sea_km"]
        wide["distance_to_sea_km"] = sea.groupby(sea["authority"], observed=True)["value"].mean()
    wide.index = pd.MultiIndex.from_frame(keys.iloc[wide.index.to_numpy()][["authority_code", "authority_name"]])
    wide.columns = [str(c) for c in wide.columns]
    return wide.sort_index()


def _with_authority(lsoa: pd.DataFrame, lookup: pd.DataFrame, excluded: tuple[str, ...]
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """LSOA rows joined to their authority (an inner join: England's LSOAs in the lookup, the
    excluded authorities' left out): (rows with an integer `authority` and categorical `measure`,
    the authorities' codes and names by that integer). Done on codes, not strings: a national
    file is about 700,000 rows."""
    look = lookup[lookup["lsoa_code"].astype(str).str.startswith("E")
                  & ~lookup["authority_name"].isin(list(excluded))]
    keys = look[["authority_code", "authority_name"]].drop_duplicates().reset_index(drop=True)
    which = pd.MultiIndex.from_frame(keys).get_indexer(pd.MultiIndex.from_frame(
        look[["authority_code", "authority_name"]]))
    codes = lsoa["lsoa_code"].astype("category")
    place = pd.Index(look["lsoa_code"].to_numpy(dtype=object)).get_indexer(
        codes.cat.categories.to_numpy(dtype=object))
    row_place = place[codes.cat.codes.to_numpy()]
    held = row_place >= 0
    rows = pd.DataFrame({"authority": which[row_place[held]],
                         "lsoa": codes.cat.codes.to_numpy()[held],
                         "measure": lsoa["measure"].astype("category").to_numpy()[held],
                         "value": lsoa["value"].to_numpy(dtype=float)[held]})
    return rows, keys


def sparsity(lsoa: pd.DataFrame, lookup: pd.DataFrame,
             excluded: tuple[str, ...] = DEFAULT_EXCLUDED) -> pd.Series:
    """Step 2: per authority, (residents of LSOAs of more than 0.5 and at most 4 people per
    hectare + 2 x residents of LSOAs of at most 0.5) / all residents, as a fraction (the method's
    "Sparsity (% population living in low density areas)" is this fraction, not x100). Density is
    an LSOA's usual residents over its area (ONS Standard Area Measurements, km2) / 100."""
    rows, keys = _with_authority(lsoa, lookup, excluded)
    rows = rows[rows["measure"].isin(["population_total", "area_sq_km"])]
    wide = rows.groupby(["authority", "lsoa", "measure"], observed=True)["value"].sum().unstack("measure")
    if not {"population_total", "area_sq_km"} <= set(wide.columns):
        return pd.Series(dtype=float, name="sparsity")
    wide = wide.dropna().reset_index()
    per_hectare = wide["population_total"] / wide["area_sq_km"] / 100
    wide["low"] = wide["population_total"].where((per_hectare > 0.5) & (per_hectare <= 4), 0)
    wide["very_low"] = wide["population_total"].where(per_hectare <= 0.5, 0) * 2
    sums = wide.groupby("authority")[["population_total", "low", "very_low"]].sum()
    out = ((sums["low"] + sums["very_low"]) / sums["population_total"]).rename("sparsity")
    out.index = pd.MultiIndex.from_frame(keys.iloc[out.index.to_numpy()])
    return out


def features(lsoa: pd.DataFrame, lookup: pd.DataFrame, settings: PeerSettings | None = None
             ) -> tuple[pd.DataFrame, list[str]]:
    """Step 3: the raw (untransformed) value of every feature of weight above 0 per authority
    (index authority_code, authority_name), and the notes of features left out: a feature whose
    measures no file gave is dropped and said; an authority lacking a value of a feature that
    others have is dropped and said (a distance needs every coordinate)."""
    settings = settings or PeerSettings()
    counts = authority_counts(lsoa, lookup, settings.excluded)
    notes: list[str] = []
    out = pd.DataFrame(index=counts.index)
    for key, f in FEATURES.items():
        if float(settings.weights.get(key, 0) or 0) <= 0:
            continue
        needed = list(f["num"]) + ([f["den"]] if f["den"] else [])
        missing = [m for m in needed if m not in counts.columns or counts[m].isna().all()]
        if missing:
            notes.append(f"{f['label']}: left out, no file gave {', '.join(missing)}")
            continue
        if f.get("lsoa"):
            out[key] = sparsity(lsoa, lookup, settings.excluded).reindex(out.index)
        elif f["den"]:
            out[key] = counts[list(f["num"])].sum(axis=1, min_count=len(f["num"])) / counts[f["den"]] * f["mult"]
        else:
            out[key] = counts[f["num"][0]] * f["mult"]
    for key in list(out.columns):
        values = out[key].dropna()
        if len(values) and values.nunique() == 1:  # no distance, and no transform fits a constant
            notes.append(f"{FEATURES[key]['label']}: left out, the same for every authority")
            out = out.drop(columns=key)
    lacking = out.index[out.isna().any(axis=1)]
    if len(lacking):
        names = ", ".join(str(n) for _, n in lacking)
        notes.append(f"left out for lacking a feature's value: {names}")
        out = out.drop(index=lacking)
    return out, notes


def candidate_transforms(values: np.ndarray) -> dict[str, np.ndarray]:
    """Step 4a: every candidate transform of one feature, in the method's order: none,
    Yeo-Johnson (lambda by maximum likelihood, scipy.stats.yeojohnson), square root, log(1+x),
    square; and where every value is above 0, Box-Cox (scipy.stats.boxcox), reciprocal square
    root and reciprocal."""
    from scipy import stats
    x = np.asarray(values, dtype=float)
    out = {"none": x}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out["yeo_johnson"] = stats.yeojohnson(x)[0]
        out["square_root"] = np.sqrt(x)
        out["log1p"] = np.log1p(x)
        out["square"] = x ** 2
        if x.min() > 0:
            out["box_cox"] = stats.boxcox(x)[0]
            out["reciprocal_square_root"] = x ** -0.5
            out["reciprocal"] = 1 / x
    return out


def scale(values: np.ndarray, weight: float) -> np.ndarray:
    """Step 4b: min-max scaling to the range 0..weight (a constant column is all 0)."""
    x = np.asarray(values, dtype=float)
    span = x.max() - x.min()
    return (x - x.min()) / (span if span else 1.0) * weight


def best_transform(values: np.ndarray, weight: float) -> tuple[str, np.ndarray, dict[str, float]]:
    """Step 4c: each candidate scaled to 0..weight, then the Shapiro-Wilk p-value of each
    (scipy.stats.shapiro); the highest p wins, the first in `TRANSFORMS` order on a tie (as the
    method transforms, then scales, then tests). Returns (name, scaled values, p per candidate).
    A candidate that is not finite everywhere (square root of a negative) is not a candidate."""
    from scipy import stats
    p: dict[str, float] = {}
    scaled: dict[str, np.ndarray] = {}
    for name, x in candidate_transforms(values).items():
        if not np.isfinite(x).all():
            continue
        scaled[name] = scale(x, weight)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p[name] = float(stats.shapiro(scaled[name]).pvalue)
    best = max(p, key=lambda k: (p[k] if np.isfinite(p[k]) else -1.0, -TRANSFORMS.index(k)))
    return best, scaled[best], p


def transformed(raw: pd.DataFrame, settings: PeerSettings | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Step 4 over every feature: the scaled, transformed features (same index) and the transform
    chosen for each. Needs at least 3 authorities (Shapiro-Wilk's minimum)."""
    settings = settings or PeerSettings()
    if len(raw) < 3:
        raise ValueError(f"peer groups need at least 3 authorities with every feature; {len(raw)} have")
    out = pd.DataFrame(index=raw.index)
    chosen: dict[str, str] = {}
    for key in raw.columns:
        name, values, _ = best_transform(raw[key].to_numpy(float), float(settings.weights[key]))
        out[key] = values
        chosen[key] = name
    return out, chosen


def distances(scaled: pd.DataFrame) -> pd.DataFrame:
    """Step 5a: the Euclidean distance between every pair of authorities (square, symmetric,
    indexed by authority code both ways)."""
    x = scaled.to_numpy(float)
    d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
    codes = [c for c, _ in scaled.index] if isinstance(scaled.index, pd.MultiIndex) else list(scaled.index)
    return pd.DataFrame(d, index=codes, columns=codes)


def nearest(dist: pd.DataFrame, k: int = DEFAULT_PEERS) -> pd.DataFrame:
    """Step 5b: each authority's k nearest other authorities (authority_code, peer_code, rank from
    1, distance); equal distances (to 12 decimal places, so float rounding does not decide) in
    code order. Fewer than k when fewer others exist."""
    codes = np.asarray(dist.index, dtype=object)
    by_code = np.argsort(np.argsort(codes.astype(str)))  # each authority's place in code order
    d = dist.to_numpy(float)
    rows = []
    for i, code in enumerate(codes):
        others = np.flatnonzero(np.arange(len(codes)) != i)
        order = others[np.lexsort((by_code[others], np.round(d[i, others], 12)))][:k]
        rows += [(code, codes[j], rank, float(d[i, j])) for rank, j in enumerate(order, start=1)]
    return pd.DataFrame(rows, columns=["authority_code", "peer_code", "rank", "distance"])


# --------------------------------------------------------------------------------------------
# On the store

def compute(lsoa: pd.DataFrame, lookup: pd.DataFrame, settings: PeerSettings | None = None
            ) -> tuple[pd.DataFrame, list[str]]:
    """Steps 1-5 on LSOA rows and the lookup: the `peers` export table (without source) and notes."""
    settings = settings or PeerSettings()
    raw, notes = features(lsoa, lookup, settings)
    if raw.empty or raw.shape[1] == 0:
        return EXPORT_TABLES["peers"].empty(), notes + ["no feature could be computed"]
    scaled, chosen = transformed(raw, settings)
    near = nearest(distances(scaled), settings.n_peers)
    names = {c: n for c, n in raw.index}
    used = "; ".join(f"{k} (weight {settings.weights[k]:g}, {chosen[k]})" for k in raw.columns)
    near["authority_name"] = near["authority_code"].map(names)
    near["peer_name"] = near["peer_code"].map(names)
    near["features"] = used
    return near, notes


SOURCE_USER = "the user's peers list"


def peer_table(store) -> tuple[pd.DataFrame, list[str]]:
    """The `peers` export table for every authority, and notes of what was left out: the user's
    own peers list (`peer_groups`, from the method's peers.csv) where the store holds one, else
    computed by the method from the store's `census_lsoa` and `lsoa_authorities`, with the
    profile's `[peers]` settings. Empty (with the reason) when the store holds neither."""
    return _peer_table(os.path.realpath(store.path), store.version)  # one entry per version, link or not


def peers_of(store, code: str) -> tuple[str, ...]:
    """The GSS codes of `code`'s peers, nearest first (empty when the store cannot say)."""
    table, _ = peer_table(store)
    rows = table[table["authority_code"] == code].sort_values("rank")
    return tuple(str(c) for c in rows["peer_code"].dropna())


@lru_cache(maxsize=8)
def _peer_table(path: str, version: str) -> tuple[pd.DataFrame, list[str]]:
    store = Store(path)
    declared = EXPORT_TABLES["peers"]
    given = store.table("peer_groups")
    if len(given):
        # A name the areas lookup lacks at ingest (the ONS lookup writes some names as "<place>, City of") may
        # be in the LSOA lookup the peers were computed from.
        look = store.table("lsoa_authorities")
        by_name = {str(n).strip().lower(): str(c) for c, n in zip(look["authority_code"], look["authority_name"])}
        for code, name in (("authority_code", "authority_name"), ("peer_code", "peer_name")):
            found = given[name].astype(str).str.strip().str.lower().map(by_name)
            given[code] = given[code].where(given[code].notna(), found)
        frame = given.assign(distance=float("nan"), features="",
                             source=SOURCE_USER + " (" + given["source_file"].astype(str) + ")")
        return frame[declared.names].reset_index(drop=True), []
    lsoa, lookup = store.table("census_lsoa"), store.table("lsoa_authorities")
    if lsoa.empty or lookup.empty:
        missing = [what for what, t in (("Census 2021 LSOA files", lsoa), ("the LSOA -> authority lookup", lookup))
                   if t.empty]
        return declared.empty(), [f"peer groups need {' and '.join(missing)}"]
    try:
        settings = PeerSettings.from_profile(store.manifest.peers)
    except ValueError as e:
        return declared.empty(), [f"the profile's peer settings: {e}"]
    try:
        frame, notes = compute(lsoa, lookup, settings)
    except ValueError as e:
        return declared.empty(), [str(e)]
    files = sorted(set(lsoa["source_file"].dropna().astype(str)) | set(lookup["source_file"].dropna().astype(str)))
    frame["source"] = "computed from " + ", ".join(files)
    return frame[declared.names].reset_index(drop=True), notes


register_peer_groups(peers_of, peer_table)  # the store's "peers" comparator set (store.reading)

"""Market health from the CQC directory: change between editions, concentration and quality.

Segments (domain.vocabulary.MARKET_SEGMENTS) are read from a location's CQC flags:
care homes 65+ = a care home with the `Older People` user band and the service type `Care home
service without nursing` (and not also with nursing); nursing 65+ = the same with `Care home service
with nursing`; home care = `Domiciliary care service`; supported living, extra care and shared lives
their own service types. A location with several service types counts in each. Day opportunities and
carers' support are not registered with the CQC, so the directory says nothing about them. Care
homes without the Older People band are `care_homes_18_64`; any other location is `other`.

Active = not dormant and (when the file says) in the Adult social care directorate, as on the
Supply page.
"""
from __future__ import annotations

import pandas as pd

from domain.vocabulary import CQC_SEGMENT_SERVICE_TYPES, MARKET_SEGMENTS
from store import memo
from store.reading import Store, per_store_version, register_cache

NURSING = "Care home service with nursing"
RESIDENTIAL = "Care home service without nursing"
OLDER_PEOPLE = "Older People"
GOOD = ("Good", "Outstanding")
# Overall ratings in order, worst first: a change up this list is an improvement.
RATING_ORDER = {"Inadequate": 1, "Requires improvement": 2, "Good": 3, "Outstanding": 4}
BED_SEGMENTS = ("care_homes_65", "nursing_65", "care_homes_18_64")
NATIONAL_AUTHORITIES = 100
"""A directory covering at least this many local authorities is the national file, so its total
is England; a smaller extract's total is only 'all locations in the file'."""


# --------------------------------------------------------------------------------------- editions

@per_store_version
def editions(store: Store) -> list[str]:
    """The directory editions in the store (ISO dates), oldest first."""
    e = store.table("care_provider_editions")
    return sorted(e["as_at"].dropna().unique().tolist())


def _segments_of(services: pd.DataFrame, frame: pd.DataFrame) -> pd.Series:
    """location_id -> tuple of segment keys (see the module docstring)."""
    types = services[services["family"] == "service_type"].groupby("location_id")["flag"].agg(set)
    bands = services[services["family"] == "service_user_band"].groupby("location_id")["flag"].agg(set)
    out = {}
    for loc, care_home in zip(frame["location_id"], frame["care_home"]):
        t = types.get(loc, set())
        b = bands.get(loc, set())
        segs = []
        if care_home is True or care_home == 1:
            if OLDER_PEOPLE in b:
                segs.append("nursing_65" if NURSING in t else "care_homes_65" if RESIDENTIAL in t else "care_homes_18_64")
            else:
                segs.append("care_homes_18_64")
        segs += [seg for seg, flag in CQC_SEGMENT_SERVICE_TYPES.items() if flag in t]
        out[loc] = tuple(dict.fromkeys(segs)) or ("other",)
    return pd.Series(out, dtype=object)


def _bands_of(services: pd.DataFrame) -> pd.Series:
    bands = services[services["family"] == "service_user_band"]
    return bands.groupby("location_id")["flag"].agg(lambda f: "; ".join(sorted(f)))


def _active(frame: pd.DataFrame) -> pd.DataFrame:
    sel = frame[~frame["dormant"].fillna(False).astype(bool)]
    if sel["directorate"].notna().any():
        sel = sel[sel["directorate"].fillna("Adult social care") == "Adult social care"]
    return sel


@per_store_version
def edition_locations(store: Store, as_at: str, area_name: str | None = None) -> pd.DataFrame:
    """Active locations of one edition (in one authority, or all when area_name is ''), with their
    segments (a tuple) and user bands (text). An authority's are the whole edition's rows for it:
    the whole edition is worked out once per store version for every authority (`_whole_edition`)."""
    e = store.table("care_provider_editions")
    if as_at not in set(e["as_at"]):
        raise ValueError(f"no directory edition dated {as_at!r} in the store (editions: {editions(store)})")
    area_name = store.authority.area_name if area_name is None else area_name
    whole = _whole_edition(store, as_at)
    if not area_name:
        return whole.copy()
    # The authority's rows by positions grouped once per store version and edition (as `_located`).
    found = memo.cached("metrics.supply.market._edition_positions", (str(store.path), store.version, as_at),
                        lambda: whole.groupby(whole["local_authority"].str.lower(), sort=False).indices
                        ).get(area_name.lower())
    return (whole.iloc[found] if found is not None else whole.iloc[0:0]).reset_index(drop=True)


def _edition_rows(store: Store, as_at: str) -> pd.DataFrame:
    """Every active location of one edition, with its segments and user bands."""
    e = store.table("care_provider_editions")
    frame = _active(e[e["as_at"] == as_at])
    s = store.table("care_provider_edition_services")
    s = s[s["as_at"] == as_at]
    frame = frame.copy()
    frame["segments"] = frame["location_id"].map(_segments_of(s, frame))
    frame["user_bands"] = frame["location_id"].map(_bands_of(s)).fillna("")
    return frame.reset_index(drop=True)


def _pair(store: Store, from_as_at: str | None, to_as_at: str | None) -> tuple[str, str] | None:
    eds = editions(store)
    if len(eds) < 2 and not (from_as_at and to_as_at):
        return None
    to_as_at = to_as_at or eds[-1]
    from_as_at = from_as_at or max((d for d in eds if d < to_as_at), default=None)
    if from_as_at is None:
        return None
    if from_as_at >= to_as_at:
        raise ValueError(f"the first edition ({from_as_at}) must be earlier than the second ({to_as_at})")
    return from_as_at, to_as_at


CHANGE_COLUMNS = ["from_edition", "to_edition", "change", "location_id", "location_name", "segment",
                  "user_bands", "beds_from", "beds_to", "beds_change", "rating_from", "rating_to",
                  "rating_published"]


@per_store_version
def market_changes(store: Store, from_as_at: str | None = None, to_as_at: str | None = None) -> pd.DataFrame:
    """What changed in the authority between two directory editions (default: the last two), one
    row per location x segment x change.

    Changes: `opened` (active in the later edition, absent or dormant in the earlier), `closed` (the
    reverse), `beds_changed` (a care home in both with different registered beds), `rating_improved`
    / `rating_declined` (overall rating moved up or down Inadequate < Requires improvement < Good <
    Outstanding), `first_rated` (not yet rated, then rated), `rating_removed` (rated, then blank).
    Beds are registered beds; beds_change is later less earlier (closed homes count negative).
    Reference: CQC care directory with filters, monthly editions."""
    pair = _pair(store, from_as_at, to_as_at)
    if pair is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    a = edition_locations(store, pair[0]).set_index("location_id")
    b = edition_locations(store, pair[1]).set_index("location_id")
    rows = []

    def add(loc, row, change, beds_from, beds_to, rating_from=None, rating_to=None, published=None):
        for seg in row["segments"]:
            rows.append({"location_id": loc, "location_name": row["location_name"], "segment": seg,
                         "user_bands": row["user_bands"], "change": change, "beds_from": beds_from,
                         "beds_to": beds_to, "rating_from": rating_from, "rating_to": rating_to,
                         "rating_published": published})

    for loc in b.index.difference(a.index):
        add(loc, b.loc[loc], "opened", None, b.loc[loc, "beds"], None, b.loc[loc, "rating"],
            b.loc[loc, "publication_date"])
    for loc in a.index.difference(b.index):
        add(loc, a.loc[loc], "closed", a.loc[loc, "beds"], None, a.loc[loc, "rating"], None)
    for loc in a.index.intersection(b.index):
        ra, rb = a.loc[loc], b.loc[loc]
        if pd.notna(ra["beds"]) and pd.notna(rb["beds"]) and ra["beds"] != rb["beds"]:
            add(loc, rb, "beds_changed", ra["beds"], rb["beds"])
        change = rating_change(ra["rating"], rb["rating"])
        if change:
            add(loc, rb, change, None, None, ra["rating"], rb["rating"], rb["publication_date"])
    out = pd.DataFrame(rows, columns=[c for c in CHANGE_COLUMNS if c not in ("from_edition", "to_edition",
                                                                           "beds_change")])
    out["from_edition"], out["to_edition"] = pair
    for col in ("beds_from", "beds_to"):
        out[col] = pd.to_numeric(out[col].astype(object).where(out[col].notna(), None), errors="coerce")
    out["beds_change"] = out["beds_to"].fillna(0) - out["beds_from"].fillna(0)
    out.loc[out["beds_from"].isna() & out["beds_to"].isna(), "beds_change"] = float("nan")
    order = {c: i for i, c in enumerate(["opened", "closed", "beds_changed", "rating_improved",
                                         "rating_declined", "first_rated", "rating_removed"])}
    out = out.sort_values(["change", "segment", "location_name"], key=lambda s: s.map(order) if s.name == "change" else s)
    return out[CHANGE_COLUMNS].reset_index(drop=True)


def rating_change(before, after) -> str | None:
    """The kind of change between two overall ratings (None when there is none)."""
    before = before if isinstance(before, str) and before else None
    after = after if isinstance(after, str) and after else None
    if before == after:
        return None
    if before is None:
        return "first_rated"
    if after is None:
        return "rating_removed"
    if before not in RATING_ORDER or after not in RATING_ORDER:
        raise ValueError(f"unknown CQC rating {before!r} or {after!r} (expected one of {list(RATING_ORDER)})")
    return "rating_improved" if RATING_ORDER[after] > RATING_ORDER[before] else "rating_declined"


SUMMARY_COLUMNS = ["segment", "opened", "closed", "beds_opened", "beds_closed", "beds_changed_at_open_homes",
                   "net_beds", "rating_improved", "rating_declined", "first_rated"]


@per_store_version
def change_summary(store: Store, from_as_at: str | None = None, to_as_at: str | None = None) -> pd.DataFrame:
    """Per segment: locations opened and closed, beds opened, closed and added or removed at homes
    open in both editions, net beds, and ratings improved, declined and first given (counts)."""
    ch = market_changes(store, from_as_at, to_as_at)
    if ch.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    rows = []
    for seg, g in ch.groupby("segment", sort=False):
        kind = g["change"]
        rows.append({
            "segment": seg, "opened": int((kind == "opened").sum()), "closed": int((kind == "closed").sum()),
            "beds_opened": float(g.loc[kind == "opened", "beds_to"].astype(float).sum()),
            "beds_closed": float(g.loc[kind == "closed", "beds_from"].astype(float).sum()),
            "beds_changed_at_open_homes": float(g.loc[kind == "beds_changed", "beds_change"].sum()),
            "net_beds": float(g["beds_change"].astype(float).sum()),
            "rating_improved": int((kind == "rating_improved").sum()),
            "rating_declined": int((kind == "rating_declined").sum()),
            "first_rated": int((kind == "first_rated").sum())})
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    rank = {s: i for i, s in enumerate(MARKET_SEGMENTS + ("care_homes_18_64", "other"))}
    return out.sort_values("segment", key=lambda s: s.map(rank)).reset_index(drop=True)


# ---------------------------------------------------------------------------------- concentration

def hhi(sizes) -> float:
    """Herfindahl-Hirschman index of a market: the sum of the squared market shares in percent,
    0 (many tiny firms) to 10,000 (one firm). ``sizes`` are each firm's size (beds, locations);
    shares are size / total. Reference: Competition Commission and OFT, Merger Assessment
    Guidelines (CC2, 2010) 5.3.5: above 1,000 concentrated, above 2,000 highly concentrated.
    Example: shares 40%, 30%, 20%, 10% give 1,600 + 900 + 400 + 100 = 3,000."""
    values = [float(v) for v in sizes]
    if any(v < 0 for v in values) or any(v != v for v in values):
        raise ValueError("market sizes must be zero or more, and not missing")
    total = sum(values)
    if total <= 0:
        raise ValueError("a market needs a positive total size")
    return sum((100 * v / total) ** 2 for v in values)


def top_share(sizes, n: int) -> float:
    """Share (%) of the market held by its ``n`` largest firms (the n-firm concentration ratio)."""
    if n < 1:
        raise ValueError("n must be 1 or more")
    values = sorted((float(v) for v in sizes), reverse=True)
    total = sum(values)
    if total <= 0:
        raise ValueError("a market needs a positive total size")
    return 100 * sum(values[:n]) / total


CONCENTRATION_COLUMNS = ["as_at", "segment", "size_measure", "total", "groups", "largest_group",
                         "top1_pct", "top3_pct", "hhi"]


@per_store_version
def concentration(store: Store) -> pd.DataFrame:
    """Ownership concentration per edition and segment in the authority: the firm is the CQC brand
    where a location has one, else its provider. Size is registered beds for care homes, locations
    for other segments. Columns: groups, the largest group's name, the share (%) of the largest
    and of the three largest, and the HHI (see `hhi`)."""
    rows = []
    for as_at in editions(store):
        loc = edition_locations(store, as_at).explode("segments")
        loc = loc[loc["segments"].isin(MARKET_SEGMENTS + ("care_homes_18_64",))]
        loc = loc.assign(group=loc["brand_name"].fillna(loc["provider_name"]).fillna(loc["location_name"]))
        for seg, g in loc.groupby("segments", sort=False):
            beds = seg in BED_SEGMENTS
            sizes = g.groupby("group")["beds"].sum().astype(float) if beds else g.groupby("group").size().astype(float)
            sizes = sizes[sizes > 0].sort_values(ascending=False)
            if sizes.empty:
                continue
            rows.append({"as_at": as_at, "segment": seg, "size_measure": "beds" if beds else "locations",
                         "total": float(sizes.sum()), "groups": int(len(sizes)), "largest_group": sizes.index[0],
                         "top1_pct": top_share(sizes, 1), "top3_pct": top_share(sizes, 3), "hhi": hhi(sizes)})
    return pd.DataFrame(rows, columns=CONCENTRATION_COLUMNS)


# --------------------------------------------------------------------------------------- quality

QUALITY_COLUMNS = ["segment", "area_type", "area_name", "locations", "rated", "not_yet_rated",
                   "good_or_outstanding", "pct_locations_good", "beds", "beds_rated", "beds_good", "pct_beds_good"]


def _quality_row(seg: str, area_type: str, area_name: str, g: pd.DataFrame) -> dict:
    rated = g["rating"].isin(list(RATING_ORDER))
    good = g["rating"].isin(GOOD)
    beds = g["beds"].astype(float) if seg in BED_SEGMENTS else None
    row = {"segment": seg, "area_type": area_type, "area_name": area_name, "locations": int(len(g)),
           "rated": int(rated.sum()), "not_yet_rated": int((~rated).sum()), "good_or_outstanding": int(good.sum()),
           "pct_locations_good": 100 * good.sum() / rated.sum() if rated.sum() else None,
           "beds": None, "beds_rated": None, "beds_good": None, "pct_beds_good": None}
    if beds is not None:
        row.update(beds=float(beds.sum()), beds_rated=float(beds[rated].sum()), beds_good=float(beds[good].sum()))
        row["pct_beds_good"] = 100 * row["beds_good"] / row["beds_rated"] if row["beds_rated"] else None
    return row


def _whole_edition(store: Store, as_at: str) -> pd.DataFrame:
    """Every authority's active locations of one edition (`_edition_rows`). The directory is
    national, so this is the same whichever authority the store is seen as: it is worked out once
    per store version and edition and shared by every authority's view, not once per authority as
    the metrics' answers are. Callers filter or copy it and never change it."""
    return memo.cached("metrics.supply.market._whole_edition", (str(store.path), store.version, as_at),
                       lambda: _edition_rows(store, as_at))


def _every_location(store: Store, as_at: str) -> pd.DataFrame:
    """Every authority's active locations of one edition, a row per segment the quality table
    shows, with the authority's name lower-cased (`authority_key`): shared by every authority's
    view, as `_whole_edition` is. Callers filter it and never change it."""
    def build():
        frame = _whole_edition(store, as_at).explode("segments")
        frame = frame[frame["segments"].isin(MARKET_SEGMENTS + ("care_homes_18_64",))]
        return frame.assign(authority_key=frame["local_authority"].str.lower())
    return memo.cached("metrics.supply.market._every_location", (str(store.path), store.version, as_at), build)


def _located(store: Store, as_at: str, column: str, value) -> pd.DataFrame:
    """The rows of `_every_location` whose COLUMN (authority_key, region) is VALUE, in their order:
    what `frame[frame[column] == value]` gives, from positions grouped once per store version and
    shared by every authority's view (a comparison over the national directory for each of an
    authority's fifteen comparators was most of a cold Market health visit)."""
    everything = _every_location(store, as_at)
    positions = memo.cached("metrics.supply.market._positions", (str(store.path), store.version, as_at, column),
                            lambda: everything.groupby(column, sort=False).indices)
    found = positions.get(value)
    return everything.iloc[found] if found is not None else everything.iloc[0:0]


def _segment_rows(area_type: str, area_name: str, frame: pd.DataFrame) -> dict[str, dict]:
    """`_quality_row` of each segment FRAME holds locations in (a segment without is left out)."""
    found = frame.groupby("segments", sort=False).indices
    return {seg: _quality_row(seg, area_type, area_name, frame.iloc[found[seg]])
            for seg in MARKET_SEGMENTS + ("care_homes_18_64",) if seg in found}


def _shared_rows(store: Store, as_at: str, area_type: str, area_name: str, frame) -> dict[str, dict]:
    """`_segment_rows` of an area many authorities' views show (a region, England, the whole file
    or a comparator), worked out once per store version; FRAME is called only when it is not yet known.
    Callers copy a row before changing it."""
    return memo.cached("metrics.supply.market._shared_rows", (str(store.path), store.version, as_at, area_type,
                                                               area_name),
                       lambda: _segment_rows(area_type, area_name, frame()))


def _edition_facts(store: Store, as_at: str) -> tuple[int, bool]:
    """(authorities the edition holds locations for, whether any location is rated), once per
    store version."""
    def build():
        everything = _every_location(store, as_at)
        return int(everything["local_authority"].nunique()), bool(everything["rating"].notna().any())
    return memo.cached("metrics.supply.market._edition_facts", (str(store.path), store.version, as_at), build)


class _SharedAnswers:  # `store.clear_caches` forgets these with every metric's answers
    @staticmethod
    def cache_clear():
        for name in ("_whole_edition", "_every_location", "_positions", "_shared_rows", "_edition_facts",
                     "_edition_positions"):
            memo.METRICS.clear(f"metrics.supply.market.{name}")


register_cache(_SharedAnswers)


@per_store_version
def quality(store: Store) -> pd.DataFrame:
    """Share of locations, and of care-home beds, rated Good or Outstanding by segment, in the
    authority, each comparator authority the directory holds (profile: comparators),
    the authority's CQC region, and the whole file (England when the file is national, see
    NATIONAL_AUTHORITIES). Shares are of rated locations (beds), in percent; not yet rated are
    counted apart. Latest edition. Reference: CQC overall ratings."""
    eds = editions(store)
    if not eds:
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    latest = eds[-1]
    own = _located(store, latest, "authority_key", (store.authority.area_name or "").lower())
    region = own["region"].mode().iloc[0] if own["region"].notna().any() else None
    comparators = comparator_names(store)
    authorities, any_rated = _edition_facts(store, latest)
    whole = ("england", "England") if authorities >= NATIONAL_AUTHORITIES else (
        "file", f"All locations in the file ({authorities} authorities)")
    areas = [_segment_rows("la", store.authority.area_name or "The authority", own)]
    # A comparator's rows are the same whichever authority it is a comparator of.
    areas += [_shared_rows(store, latest, "comparator", c,
                           lambda c=c: _located(store, latest, "authority_key", c.lower())) for c in comparators]
    in_region = _located(store, latest, "region", region) if region else None
    everything = _every_location(store, latest)
    name = region
    if region and whole[0] == "file":  # a partial file: its region is only the authorities it holds
        held = in_region["local_authority"].nunique()
        name = f"{region} ({held} authorities in the file)"
    if region:
        areas.append(_shared_rows(store, latest, "region", name, lambda: in_region))
    if whole[0] == "england" or (len(in_region) if region else 0) < len(everything):  # else the same locations twice
        areas.append(_shared_rows(store, latest, *whole, lambda: everything))
    rows = []
    # An edition without ratings (no rating column: not one location rated in the whole file) says
    # nothing about quality: its rated, not-yet-rated and Good counts are unknown, not 0.
    unrated = ["rated", "not_yet_rated", "good_or_outstanding", "pct_locations_good", "beds_rated", "beds_good",
               "pct_beds_good"] if not any_rated else []
    for seg in MARKET_SEGMENTS + ("care_homes_18_64",):
        for by_segment in areas:
            if seg in by_segment:
                rows.append({**by_segment[seg], **dict.fromkeys(unrated)})
    return pd.DataFrame(rows, columns=QUALITY_COLUMNS)


def comparator_names(store: Store) -> list[str]:
    """The profile's comparator authorities (GSS codes) by name, from the national areas lookup."""
    areas = store.table("lookup_areas").set_index("area_code")["area_name"]
    return [areas.get(code, code) for code in store.authority.comparators]


def missing_comparators(store: Store) -> list[str]:
    """Comparator authorities named in the profile that the latest directory does not hold."""
    eds = editions(store)
    if not eds:
        return []
    present = set(_whole_edition(store, eds[-1])["local_authority"].str.lower())
    return [c for c in comparator_names(store) if c.lower() not in present]


BAND_COLUMNS = ["user_band", "opened", "closed", "beds_opened", "beds_closed"]


@per_store_version
def changes_by_band(store: Store, from_as_at: str | None = None, to_as_at: str | None = None) -> pd.DataFrame:
    """Locations and care-home beds opened and closed between two editions by CQC service user band
    (a location counts once in each of its bands, so bands do not add up to the total)."""
    ch = market_changes(store, from_as_at, to_as_at)
    ch = ch[ch["change"].isin(["opened", "closed"])].drop_duplicates(["location_id", "change"])
    if ch.empty:
        return pd.DataFrame(columns=BAND_COLUMNS)
    long = ch.assign(user_band=ch["user_bands"].str.split("; ")).explode("user_band")
    long = long[long["user_band"].fillna("") != ""]
    rows = []
    for band, g in long.groupby("user_band"):
        opened, closed = g[g["change"] == "opened"], g[g["change"] == "closed"]
        rows.append({"user_band": band, "opened": len(opened), "closed": len(closed),
                     "beds_opened": float(opened["beds_to"].sum()), "beds_closed": float(closed["beds_from"].sum())})
    return pd.DataFrame(rows, columns=BAND_COLUMNS)

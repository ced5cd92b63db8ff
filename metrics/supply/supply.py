"""Supply: care homes and beds (by type, service user band, ownership, rating), community
services, council-funded placements and contracts.

Residential = CQC service type `Care home service without nursing`; nursing = `Care home service
with nursing` (a home registered for both counts as nursing, as the MPS counts it once).
"National group" = a location carrying a CQC brand, or whose provider runs locations in more than
one local authority in the directory; every other home is a small independent (MPS s4.1).
"""
from __future__ import annotations

import pandas as pd

from domain.labels import service_label
from metrics.coverage import covers_directory
from store import Store, memo, per_store_version, register_cache

NURSING = "Care home service with nursing"
RESIDENTIAL = "Care home service without nursing"
COMMUNITY_SERVICES = {
    "domiciliary_care": "Domiciliary care service",
    "supported_living": "Supported living service",
    "extra_care": "Extra Care housing services",
    "shared_lives": "Shared Lives",
}


def _flags(store: Store, family: str) -> pd.DataFrame:
    s = store.table("care_provider_services")
    if s.empty:
        return pd.DataFrame(columns=["location_id", "flag"])
    return s[s["family"] == family][["location_id", "flag"]]


def _directory(store: Store) -> dict:
    """What `locations` needs of the whole directory, the same for every authority's view: the
    active (not dormant) rows with their positions by authority name (lower-cased), each location's
    service types and user bands (sets), and how many authorities each provider is in. Worked out
    once per store version (each authority's view grouped the national directory again); callers
    never change it."""
    def build():
        cp = store.table("care_providers")
        if cp.empty:
            return {"all": cp}
        active = cp[~cp["dormant"].fillna(False).astype(bool)]
        return {"all": cp, "active": active,
                "by_name": active["local_authority"].str.lower().groupby(
                    active["local_authority"].str.lower(), sort=False).indices,
                "types": _flags(store, "service_type").groupby("location_id")["flag"].agg(set),
                "bands": _flags(store, "service_user_band").groupby("location_id")["flag"].agg(set),
                # Provider spread is judged over the whole directory, not just this authority.
                "spread": cp.groupby("provider_id")["local_authority"].nunique()}
    return memo.cached("metrics.supply.supply._directory", (str(store.path), store.version), build)


class _SharedDirectory:  # `store.clear_caches` forgets it with every metric's answers
    @staticmethod
    def cache_clear():
        memo.METRICS.clear("metrics.supply.supply._directory")


register_cache(_SharedDirectory)


@per_store_version
def locations(store: Store, area_name: str | None = None) -> pd.DataFrame:
    """Active (not dormant) CQC locations in the authority, with service types and bands joined."""
    directory = _directory(store)
    if directory["all"].empty:
        return directory["all"].copy()
    area_name = area_name or store.authority.area_name
    sel = directory["active"]
    if area_name:
        found = directory["by_name"].get(area_name.lower())
        sel = sel.iloc[found] if found is not None else sel.iloc[0:0]
    if "directorate" in sel and sel["directorate"].notna().any():
        sel = sel[sel["directorate"].fillna("Adult social care") == "Adult social care"]
    sel = sel.copy()
    sel["service_types"] = sel["location_id"].map(directory["types"]).map(
        lambda v: v if isinstance(v, set) else set())
    sel["user_bands"] = sel["location_id"].map(directory["bands"]).map(lambda v: v if isinstance(v, set) else set())
    sel["national_group"] = sel["brand_id"].notna() | (sel["provider_id"].map(directory["spread"]).fillna(1) > 1)
    return sel


@per_store_version
def care_homes(store: Store, older_people_only: bool = True, area_name: str | None = None) -> pd.DataFrame:
    """Care homes with their type (residential/nursing); older people's homes by default, as the
    MPS's care-home table counts them."""
    loc = locations(store, area_name)
    if loc.empty:
        return loc
    homes = loc[loc["care_home"].astype(bool)].copy()
    homes["type"] = homes["service_types"].map(
        lambda t: "nursing" if NURSING in t else "residential" if RESIDENTIAL in t else "other")
    if older_people_only:
        homes = homes[homes["user_bands"].map(lambda b: "Older People" in b)]
    return homes


@per_store_version
def care_home_table(store: Store) -> pd.DataFrame:
    """The MPS care-home table: homes, beds, % of total beds, average beds per home, rounded to
    whole numbers as seed 000 s4.1 prints them (rows residential, nursing, total)."""
    homes = care_homes(store)
    rows = []
    if homes.empty:
        return pd.DataFrame(columns=["type", "homes", "beds", "pct_beds", "avg_beds_per_home"])
    # A directory without beds (CQC's simple weekly layout) leaves beds missing, never 0: min_count.
    total_beds = float(homes["beds"].astype(float).sum(min_count=1))
    for kind in ["residential", "nursing"]:
        h = homes[homes["type"] == kind]
        rows.append((kind, len(h), float(h["beds"].astype(float).sum(min_count=1)) if len(h) else 0.0,
                     int(h["beds"].notna().sum())))
    rows.append(("total", len(homes), total_beds, int(homes["beds"].notna().sum())))
    out = pd.DataFrame(rows, columns=["type", "homes", "beds", "with_beds"])
    out["beds"] = out["beds"].astype(float)
    out["pct_beds"] = (out["beds"] / total_beds * 100).round(0)
    # The average is over the homes whose beds are known: a home whose beds ingest kept out
    # (domain.plausibility) is counted as a home, never as a home of 0 beds.
    with_beds = out.pop("with_beds")
    out["avg_beds_per_home"] = (out["beds"] / with_beds.where(with_beds > 0)).round(0).astype("Int64")
    out["homes"] = out["homes"].astype(int)
    if out["beds"].notna().all():  # whole numbers as the MPS prints them; else missing stays NaN
        out["beds"] = out["beds"].astype(int)
        out["pct_beds"] = out["pct_beds"].astype(int)
    return out


@per_store_version
def ownership_table(store: Store) -> pd.DataFrame:
    """Homes and beds owned by national groups versus small independents (MPS s4.1)."""
    homes = care_homes(store)
    if homes.empty:
        return pd.DataFrame(columns=["ownership", "homes", "beds", "pct_homes", "pct_beds"])
    homes = homes.assign(ownership=homes["national_group"].map({True: "national_group", False: "small_independent"}))
    out = homes.groupby("ownership").agg(homes=("location_id", "size"), beds=("beds", "sum")).reset_index()
    out["pct_homes"] = out["homes"] / out["homes"].sum() * 100
    out["pct_beds"] = out["beds"] / out["beds"].sum() * 100
    return out


@per_store_version
def homes_by(store: Store, column: str) -> pd.DataFrame:
    """Care homes and beds by `rating` or by service user band (`user_band`)."""
    homes = care_homes(store, older_people_only=False)
    if homes.empty:
        return pd.DataFrame(columns=[column, "homes", "beds"])
    if column == "user_band":
        homes = homes.explode("user_bands").rename(columns={"user_bands": "user_band"})
    # A directory with no rating anywhere lacks the column: its homes are not "not yet rated".
    unrated = "Not yet rated" if store.table("care_providers")["rating"].notna().any() else "Rating not in the file"
    homes[column] = homes[column].fillna(unrated if column == "rating" else "Unknown")
    return homes.groupby(column).agg(homes=("location_id", "size"), beds=("beds", "sum")).reset_index()


@per_store_version
def community_services(store: Store) -> pd.DataFrame:
    """CQC locations per community service type in the authority. Without a directory that covers
    the authority (metrics.coverage) the counts are unknown: missing, never 0."""
    covered = covers_directory(store)
    loc = locations(store)
    rows = []
    for key, flag in COMMUNITY_SERVICES.items():
        n = (int(loc["service_types"].map(lambda t: flag in t).sum()) if len(loc) else 0) if covered else None
        rows.append({"service": key, "cqc_service_type": flag, "locations": n})
    return pd.DataFrame(rows).astype({"locations": "Int64"})


def placements(store: Store) -> pd.DataFrame:
    """Council-funded people by client group, setting, location and year (activity table)."""
    act = store.table("activity")
    if act.empty:
        return act
    return act[["period", "year", "client_group", "setting", "age_band", "location", "clients",
                "source_file", "source_row"]]


FUNDED_PLACES_COLUMNS = ["setting", "in_area", "out_of_area", "total", "period", "year", "source_file", "source_rows"]


@per_store_version
def council_funded_care_home_places(store: Store, age_band: str = "65+") -> pd.DataFrame:
    """People aged ``age_band`` whose residential or nursing care the council funds, by setting,
    in the area and placed outside it, in the activity table's latest year: THE definition every
    page, export and the brief use (Demand vs supply, Market health's supply marks).

    Every primary support reason counts (physical, memory and cognition, mental health, learning
    disability, sensory, social): an older person with dementia in a nursing home is a council-
    funded care home place whatever the reason recorded. Units: people. Method: the sum of the
    council's activity rows (SALT LTS001b style: people supported during the year, not a count on
    one day) for the setting, age band and location. Reference: NHS Digital, Short and Long Term
    Support (SALT) return guidance. No activity table, or no row in the setting: no row (missing,
    never 0)."""
    act = placements(store)
    if act.empty:
        return pd.DataFrame(columns=FUNDED_PLACES_COLUMNS)
    a = act[act["setting"].isin(["residential", "nursing"]) & (act["age_band"] == age_band)
            & act["location"].isin(["in_area", "out_of_area"])]
    if a.empty:
        return pd.DataFrame(columns=FUNDED_PLACES_COLUMNS)
    a = a[a["year"] == a["year"].max()]
    rows = []
    for setting in ("residential", "nursing"):
        part = a[a["setting"] == setting]
        if part.empty:
            continue
        inside = float(part.loc[part["location"] == "in_area", "clients"].sum())
        outside = float(part.loc[part["location"] == "out_of_area", "clients"].sum())
        rows.append({"setting": setting, "in_area": inside, "out_of_area": outside, "total": inside + outside,
                     "period": part["period"].iloc[0], "year": int(part["year"].iloc[0]),
                     "source_file": part["source_file"].iloc[0],
                     "source_rows": ", ".join(str(int(r)) for r in sorted(part["source_row"]))})
    return pd.DataFrame(rows, columns=FUNDED_PLACES_COLUMNS)


SUPPLY_COLUMNS = ["client_group", "service", "measure", "area_code", "area_type", "age_band", "year", "value",
                  "source_file", "source_row"]


@per_store_version
def supply_rows(store: Store) -> pd.DataFrame:
    """Long supply table for the export contract: client_group, service, measure, area, age band,
    year, value. CQC counts are for every age (the directory has no ages: age_band `all`; older
    people's homes are those registered for the 65+ user band). Council-funded clients keep the
    return's age band, never summed across bands (a person counts once per band), e.g. seed 000
    s4.2: 755 people with a learning disability aged 18-64, 180 of them in care homes.
    Without a CQC directory that covers the authority, the community services' rows stay with a
    blank value (unknown, not 0) and the care-home rows are left out."""
    area = store.authority.area_code
    year = _as_at_year(store)
    src = store.table("care_providers")["source_file"].iloc[0] if store.has("care_providers") else None
    rows = []
    for r in care_home_table(store).itertuples():
        service = "care_homes" if r.type == "total" else f"{r.type}_care"
        for m in ["homes", "beds"]:
            rows.append(("older_people", service, m, area, "la", "65+", year, getattr(r, m), src, None))
    for r in community_services(store).itertuples():
        known = not pd.isna(r.locations)
        rows.append((None, r.service, "locations", area, "la", "all", year if known else None,
                     int(r.locations) if known else None, src if known else None, None))
    p = placements(store)
    if len(p):
        keys = ["client_group", "setting", "location", "age_band", "year", "source_file"]
        g = p.groupby(keys, dropna=False).agg(clients=("clients", "sum"), source_row=("source_row", "min")).reset_index()
        for r in g.itertuples():
            measure = "clients" if pd.isna(r.location) else f"clients_{r.location}"
            rows.append((r.client_group, r.setting, measure, area, "la", r.age_band, int(r.year), r.clients,
                         r.source_file, r.source_row))
    return pd.DataFrame(rows, columns=SUPPLY_COLUMNS)


def _as_at_year(store: Store) -> int | None:
    cp = store.table("care_providers")
    if cp.empty or cp["as_at"].dropna().empty:
        return None
    return int(str(cp["as_at"].dropna().max())[:4])


@per_store_version
def homes_view(store: Store, view: str) -> pd.DataFrame:
    """Care homes and beds grouped for the Supply page: by type, ownership, rating or user band."""
    if view == "type":
        t = care_home_table(store)
        return t[t["type"] != "total"][["type", "homes", "beds"]].rename(columns={"type": "group"})
    if view == "ownership":
        return ownership_table(store)[["ownership", "homes", "beds"]].rename(columns={"ownership": "group"})
    if view in ("rating", "user_band"):
        return homes_by(store, view).rename(columns={view: "group"})
    raise ValueError(f"unknown view {view!r}")


@per_store_version
def placements_view(store: Store, client_group: str) -> pd.DataFrame:
    """Latest year's council-funded people for a client group by setting and location, for the
    group's main age band (18-64 for working-age groups, 65+ for older people), so that distinct
    head counts ("All services") are not added across age bands."""

    p = placements(store)
    if p.empty:
        return p
    p = p[p["client_group"] == client_group]
    if p.empty:
        return p
    p = p[p["year"] == p["year"].max()]
    main_band = p.groupby("age_band")["clients"].sum().idxmax()
    p = p[p["age_band"] == main_band]
    g = p.groupby(["setting", "location", "period"], dropna=False).agg(
        clients=("clients", "sum"), age_band=("age_band", lambda a: "/".join(sorted(set(a)))),
        source_file=("source_file", "first"), source_row=("source_row", "min")).reset_index()
    g["setting_label"] = g["setting"].map(service_label)
    g["location"] = g["location"].map({"in_area": "In area", "out_of_area": "Out of area"}).fillna("Not split")
    return g[["setting_label", "location", "period", "age_band", "clients", "source_file", "source_row"]]

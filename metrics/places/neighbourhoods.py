"""Neighbourhoods: registered populations (GP registrations summed over each neighbourhood's
practices), caseloads per registered patient (seed 003 Table 1), and demand estimated by applying
the authority's POPPI/PANSI age-band rates to each neighbourhood's registered population.
"""
from __future__ import annotations

import pandas as pd

from domain.vocabulary import band_limits, band_share, quinary_band
from metrics.coverage import covers_directory
from metrics.disclosure import apply_suppression
from metrics.places.areas import census_by_ward, place_locations
from store import Store, per_store_version
from metrics.supply.supply import care_homes

# The measure that stands for a client group's demand in the neighbourhood table.
NEIGHBOURHOOD_MEASURES = {
    "older_people": "population",
    "dementia": "dementia",
    "learning_disability": "learning_disability",
    "physical_sensory": "physical_disability_serious",
    "mental_health": "two_or_more_psychiatric_disorders",
    "substance_misuse": "alcohol_dependence",
    "carers": "unpaid_carers",
}


def practices(store: Store) -> pd.DataFrame:
    """The profile's practices that the registrations hold (all of them when no registrations are
    loaded): a listed practice the registrations file does not hold (closed, merged, or a code that
    is not an ODS code) is named in the ingest's warnings, never counted or exported."""
    prac = store.table("lookup_practices")
    reg = store.table("registrations")
    if prac.empty or reg.empty:
        return prac
    return prac[prac["practice_code"].isin(set(reg["practice_code"].dropna()))].reset_index(drop=True)


def neighbourhood_names(store: Store) -> dict[str, str]:
    n = store.table("lookup_neighbourhoods")
    return dict(zip(n["neighbourhood_code"], n["neighbourhood_name"])) if len(n) else {}


def tile_positions(store: Store) -> pd.DataFrame:
    """Each neighbourhood's place on the schematic tile map (tile_col, tile_row), from the
    authority's profile, indexed by neighbourhood code; empty where the profile gives none."""
    return store.table("lookup_neighbourhoods").set_index("neighbourhood_code")[["tile_col", "tile_row"]]


def extract_dates(store: Store, age_bands: bool = False) -> list[str]:
    """Registrations extract dates, oldest first; with ``age_bands``, only extracts that have them
    (a newer totals-only file must not blank the age-based figures)."""
    reg = store.table("registrations")
    if age_bands:
        reg = reg[reg["age_band"] != "all"]
    return sorted(reg["extract_date"].dropna().unique()) if len(reg) else []


def _nearest_extract(store: Store, date: str | None, age_bands: bool = False) -> str | None:
    dates = extract_dates(store, age_bands)
    if not dates:
        return None
    if date is None:
        return dates[-1]
    target = pd.Timestamp(date)
    return min(dates, key=lambda d: abs(pd.Timestamp(d) - target))


@per_store_version
def practice_populations(store: Store, extract_date: str | None = None) -> pd.DataFrame:
    """Registered patients (persons, all ages) per practice with its neighbourhood."""
    reg = store.table("registrations")
    prac = practices(store)
    if reg.empty or prac.empty:
        return pd.DataFrame(columns=["practice_code", "practice_name", "neighbourhood_code", "patients"])
    date = _nearest_extract(store, extract_date)
    r = reg[(reg["extract_date"] == date) & (reg["sex"] == "persons") & (reg["age_band"] == "all")]
    out = prac.merge(r[["practice_code", "patients", "source_file"]], on="practice_code", how="inner")
    out["extract_date"] = date
    return out


@per_store_version
def registered_by_neighbourhood(store: Store, extract_date: str | None = None) -> pd.Series:
    p = practice_populations(store, extract_date)
    # A neighbourhood none of whose practices the extract holds has no count (missing), not 0.
    return p.groupby("neighbourhood_code")["patients"].sum(min_count=1)


@per_store_version
def caseload_table(store: Store) -> pd.DataFrame:
    """Seed 003 Table 1: registered patients, DN, ASC and joint cases with % of registered
    patients, rows N1..N4 and total. Registered patients come from the GP extract nearest the
    caseload date."""
    cases = store.table("caseloads")
    if cases.empty:
        return pd.DataFrame()
    date = cases["period"].dropna().max()
    c = cases[cases["period"] == date].pivot_table(index="neighbourhood_code", columns="service",
                                                   values="cases", aggfunc="sum")
    reg = registered_by_neighbourhood(store, date)
    out = pd.DataFrame({"registered_patients": reg}).join(c, how="outer")
    out = out.rename(columns={"district_nursing": "dn_cases", "social_care": "asc_cases", "joint": "joint_cases"})
    out.loc["total"] = out.sum(numeric_only=True, min_count=1)
    for col, pct in [("dn_cases", "dn_pct"), ("asc_cases", "asc_pct"), ("joint_cases", "joint_pct")]:
        out[pct] = out[col] / out["registered_patients"] * 100
    out.index.name = "neighbourhood"
    out = out.reset_index()
    out["as_at"] = date
    return out[["neighbourhood", "registered_patients", "dn_cases", "dn_pct", "asc_cases", "asc_pct",
                "joint_cases", "joint_pct", "as_at"]]


# Registration bands -> POPPI/PANSI bands, with the share of each 5-year band that falls inside.
def _band_weights(ipc_band: str) -> dict[str, float]:
    """NHS Digital's quinary bands (0-4 ... 90-94, 95+) inside ``ipc_band``, each weighted by the
    share of its five years that fall in it (assuming ages spread evenly within a band)."""
    lo, hi = band_limits(ipc_band)
    bands = [quinary_band(start, oldest=95) for start in range(0, 100, 5)]
    return {band: share for band in bands if (share := band_share(band, lo, hi)) > 0}


@per_store_version
def age_rates(store: Store, year: int | None = None) -> pd.DataFrame:
    """The authority's cases per person by measure and age band (persons), from POPPI/PANSI."""
    prev = store.table("prevalence")
    area = store.authority.area_code
    if prev.empty:
        return pd.DataFrame()
    p = prev[(prev["area_code"] == area) & (prev["sex"] == "persons") & ~prev["is_total"]]
    if p.empty:  # POPPI/PANSI hold no rows for this authority (e.g. ?authority= another one)
        return pd.DataFrame()
    year = year or int(p["year"].min())
    p = p[p["year"] == year]
    pop = p[p["measure"] == "population"].set_index("age_band")["value"]
    cases = p[p["measure"] != "population"]
    if cases.empty:  # a POPPI/PANSI population sheet alone: no cases to turn into rates
        return pd.DataFrame()
    cases = cases.assign(population=cases["age_band"].map(pop))
    cases = cases.assign(rate=cases["value"] / cases["population"])
    return cases[["measure", "client_group", "age_band", "year", "value", "population", "rate"]]


@per_store_version
def neighbourhood_demand(store: Store, year: int | None = None, extract_date: str | None = None) -> pd.DataFrame:
    """Estimated cases per neighbourhood and measure: rate(band) x registered persons(band)."""
    rates = age_rates(store, year)
    reg = store.table("registrations")
    prac = practices(store)
    if rates.empty or reg.empty or prac.empty:
        return pd.DataFrame()
    date = _nearest_extract(store, extract_date, age_bands=True)
    r = reg[(reg["extract_date"] == date) & (reg["sex"] == "persons") & (reg["age_band"] != "all")]
    if r.empty:
        return pd.DataFrame()
    r = r.merge(prac[["practice_code", "neighbourhood_code"]], on="practice_code")
    by_band = r.groupby(["neighbourhood_code", "age_band"])["patients"].sum().unstack(fill_value=0)
    rows = []
    for rr in rates.dropna(subset=["rate"]).itertuples():
        weights = _band_weights(rr.age_band)
        registered = sum(by_band.get(b, 0) * w for b, w in weights.items())
        for hood, people in registered.items():
            rows.append({"neighbourhood_code": hood, "measure": rr.measure, "client_group": rr.client_group,
                         "age_band": rr.age_band, "registered": people, "rate": rr.rate,
                         "estimated_cases": people * rr.rate})
    # Older people's demand is the registered population aged 65+ itself.
    pop65 = sum(by_band.get(b, 0) for b in ["65-69", "70-74", "75-79", "80-84", "85-89", "90-94", "95+"])
    for hood, people in pop65.items():
        rows.append({"neighbourhood_code": hood, "measure": "population", "client_group": "older_people",
                     "age_band": "65+", "registered": people, "rate": 1.0, "estimated_cases": people})
    return pd.DataFrame(rows)


@per_store_version
def neighbourhood_table(store: Store) -> pd.DataFrame:
    """The export's neighbourhoods table: Table 1 plus one column of estimated demand per client
    group (NEIGHBOURHOOD_MEASURES), rows N1..N4 and total. Numbers, not yet suppressed."""
    t1 = caseload_table(store)
    demand = neighbourhood_demand(store)
    hoods = sorted(neighbourhood_names(store)) or sorted(set(t1.get("neighbourhood", [])) - {"total"})
    base = pd.DataFrame({"neighbourhood": hoods + ["total"]})
    # Registered patients: one answer everywhere (this table, the Neighbourhoods page, the area profiles,
    # the brief), the latest extract, dated. The caseloads' percentages keep their own base, the list
    # nearest the caseload date (seed 003 Table 1), under its own name and date.
    latest = _nearest_extract(store, None)
    reg = registered_by_neighbourhood(store)
    base["registered_patients"] = base["neighbourhood"].map(reg)
    base.loc[base["neighbourhood"] == "total", "registered_patients"] = reg.sum(min_count=1)
    base["registered_as_at"] = latest if len(reg) else None
    if len(t1):
        base = base.merge(t1.rename(columns={"registered_patients": "caseload_list_patients",
                                             "as_at": "caseload_as_at"}), on="neighbourhood", how="left")
    else:
        for col in ["caseload_list_patients", "dn_cases", "dn_pct", "asc_cases", "asc_pct", "joint_cases", "joint_pct",
                    "caseload_as_at"]:
            base[col] = None
    for group, measure in NEIGHBOURHOOD_MEASURES.items():
        if demand.empty:
            base[group] = None
            continue
        d = demand[(demand["client_group"] == group) & (demand["measure"] == measure)]
        per = d.groupby("neighbourhood_code")["estimated_cases"].sum()
        base[group] = base["neighbourhood"].map(per)
        base.loc[base["neighbourhood"] == "total", group] = per.sum() if len(per) else None
    return base


@per_store_version
def suppressed_practice_table(store: Store, extract_date: str | None = None) -> pd.DataFrame:
    """Registered patients aged 65+ by practice and age band, with the practice's 65+ total.

    Small counts are shown as `<5`; because the total is shown, each practice's row is protected
    by secondary suppression (at least two hidden cells), so the total never reveals one."""
    reg = store.table("registrations")
    prac = practices(store)
    if reg.empty or prac.empty:
        return pd.DataFrame()
    date = _nearest_extract(store, extract_date, age_bands=True)
    r = reg[(reg["extract_date"] == date) & (reg["sex"] == "persons")]
    wide = r.pivot_table(index="practice_code", columns="age_band", values="patients", aggfunc="sum")
    bands = [b for b in ["65-69", "70-74", "75-79", "80-84", "85-89", "90-94", "95+"] if b in wide.columns]
    if not bands:
        return pd.DataFrame()
    table = prac[["practice_code", "practice_name", "neighbourhood_code"]].merge(
        wide[bands].reset_index(), on="practice_code", how="inner")  # only practices this extract holds
    table["total_65_plus"] = table[bands].sum(axis=1, min_count=1)
    return apply_suppression(table, bands + ["total_65_plus"], row_totals=True)


def postcode_neighbourhood(store: Store, postcode: str | None) -> str | None:
    """Neighbourhood of a postcode by its district (SE6 8LZ -> SE6). Districts straddle
    boundaries, so this is an approximation; a full postcode lookup would win when supplied."""
    if not postcode:
        return None
    lookup = store.table("lookup_postcode_districts")
    if lookup.empty:
        return None
    district = str(postcode).strip().upper().split(" ")[0]
    match = lookup[lookup["postcode_district"].str.upper() == district]
    return match["neighbourhood_code"].iloc[0] if len(match) else None


@per_store_version
def supply_by_neighbourhood(store: Store) -> pd.DataFrame:
    """Per neighbourhood: GP practices, older people's care homes and beds (homes placed as
    metrics.places.areas.place_locations places them: postcode lookup, coordinates in the ward
    boundaries, else postcode district), registered patients aged 75+, and beds per 1,000 of them."""

    names = neighbourhood_names(store)
    hoods = sorted(names)
    if not hoods:
        return pd.DataFrame()
    prac = practices(store)
    homes = care_homes(store)
    if len(homes):
        placed = place_locations(store).set_index("location_id")["neighbourhood_code"]
        homes = homes.assign(neighbourhood=homes["location_id"].map(placed))
    reg = store.table("registrations")
    date = _nearest_extract(store, None, age_bands=True)
    over75 = pd.Series(dtype=float)
    if len(reg) and len(prac):
        r = reg[(reg["extract_date"] == date) & (reg["sex"] == "persons")
                & reg["age_band"].isin(["75-79", "80-84", "85-89", "90-94", "95+"])]
        r = r.merge(prac[["practice_code", "neighbourhood_code"]], on="practice_code")
        over75 = r.groupby("neighbourhood_code")["patients"].sum()
    covered = covers_directory(store)  # without the authority's directory, homes and beds are unknown, not 0
    rows = []
    for h in hoods:
        mine = homes[homes["neighbourhood"] == h] if len(homes) else homes
        beds = (float(mine["beds"].sum()) if len(mine) else 0.0) if covered else None
        pop = float(over75.get(h, 0)) if len(over75) else None
        rows.append({"neighbourhood": h, "name": names.get(h, h),
                     "practices": int((prac["neighbourhood_code"] == h).sum()) if len(prac) else None,
                     "care_homes": int(len(mine)) if covered else None, "care_home_beds": beds,
                     "registered_75_plus": pop,
                     "beds_per_1000_aged_75_plus": beds / pop * 1000 if pop and beds is not None else None})
    unplaced = int(homes["neighbourhood"].isna().sum()) if len(homes) else 0
    out = pd.DataFrame(rows)
    out.attrs["homes_not_placed"] = unplaced
    return out


@per_store_version
def resident_vs_registered(store: Store) -> pd.DataFrame:
    """Per neighbourhood: residents (census ward counts summed over its wards, where the
    authority gives them) and registered patients (GP practices in it), the difference and
    registered per 100 residents; a total row. Units: people."""
    names = neighbourhood_names(store)
    reg = registered_by_neighbourhood(store) if len(store.table("registrations")) else pd.Series(dtype=float)
    cw = census_by_ward(store)
    res = (cw.groupby("neighbourhood_code")["residents"].sum(min_count=1).dropna() if "residents" in cw
           else pd.Series(dtype=float))
    hoods = sorted(set(names) | set(reg.index) | set(res.index))
    if not hoods:
        return pd.DataFrame()
    out = pd.DataFrame({"neighbourhood": hoods, "name": [names.get(h, h) for h in hoods],
                        "residents": [res.get(h) for h in hoods], "registered": [reg.get(h) for h in hoods]})
    total = {"neighbourhood": "total", "name": "Total",
             "residents": out["residents"].sum(min_count=1), "registered": out["registered"].sum(min_count=1)}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out["residents"] = pd.to_numeric(out["residents"], errors="coerce")
    out["registered"] = pd.to_numeric(out["registered"], errors="coerce")
    out["difference"] = out["registered"] - out["residents"]
    out["registered_per_100_residents"] = out["registered"] / out["residents"] * 100
    return out

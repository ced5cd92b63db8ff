"""Workforce: Skills for Care's local-authority estimates for the authority beside its region and
England (vacancy rate, turnover rate, filled posts, median hourly pay)."""
from __future__ import annotations

import pandas as pd

from store import Store, per_store_version

WORKFORCE_COLUMNS = ["period", "service", "measure", "area_type", "area_name", "value"]
AREA_ORDER = {"la": 0, "region": 1, "england": 2}


@per_store_version
def workforce_comparison(store: Store, sector: str = "All sectors", job_role: str = "All job roles") -> pd.DataFrame:
    """The latest period's estimates for one sector and job role, per service and measure, for the
    authority (its name as the store's profile gives it), its region and England. Rates are
    percentages (0-100), pay pounds an hour, filled posts a count. Reference: Skills for Care,
    'LA data download' (ASC-WDS estimates)."""
    w = store.table("workforce")
    if w.empty:
        return pd.DataFrame(columns=WORKFORCE_COLUMNS)
    w = w[(w["sector"] == sector) & (w["job_role"] == job_role)]
    w = w[w["period"] == w["period"].max()]
    name = (store.authority.area_name or "").lower()
    own = w[(w["area_type"] == "la") & (w["area_name"].str.lower() == name)]
    others = w[w["area_type"].isin(["region", "england"])]
    out = pd.concat([own, others], ignore_index=True)
    out = out.sort_values(["service", "measure", "area_type"], key=lambda s: s.map(AREA_ORDER) if s.name == "area_type" else s)
    return out[WORKFORCE_COLUMNS].reset_index(drop=True)

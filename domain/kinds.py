"""The kinds of input file, declared once: for each, the loader that reads it, its name in plain
words, the store tables it feeds and whether it is a national file or the council's own.

Everything else that lists kinds is derived from `KINDS`: the loader registry and the order the
sniffers are tried in (`loaders.LOADER_NAMES`, `loader_names`), the labels of the sources table's
`kind` column and of the About page (`domain.labels.FILE_KIND_LABELS`, `labels`), the contract's
"Written by" of each table a kind feeds (`domain.contract`, `produced_by`, hence `docs/contract.md`)
and the list of kinds `docs/formats.md` opens with (`python -m domain.kinds`). The loader module
itself (`loaders/<loader>.py`) knows the format: how to recognise it (`sniff`) and read it (`load`).

Layers: the domain imports nothing of ours, so a kind names its loader by module name; a test
(`tests/test_input_kinds.py`) checks each named module exists and its `KIND`/`KINDS` agree.
"""
from __future__ import annotations

from dataclasses import dataclass

NATIONAL = "national"
COUNCIL = "council"


@dataclass(frozen=True)
class InputKind:
    kind: str                 # the code a loaded file's rows carry (the sources table's `kind`)
    label: str                # what a user calls it, in plain words
    loader: str               # the module under loaders/ that reads it
    tables: tuple[str, ...]   # the store tables its rows go to
    scope: str                # NATIONAL: the store keeps every authority's rows, so it serves any
    #                           authority; COUNCIL: its rows are the profile authority's own (the
    #                           council's or its partners' returns, or national data cut to its wards)
    sniffed: bool = True      # False: recognised by its file name's suffix, not its content

    def __post_init__(self):
        if self.scope not in (NATIONAL, COUNCIL):
            raise ValueError(f"input kind {self.kind}: scope must be {NATIONAL!r} or {COUNCIL!r}")
        if not self.label or not self.tables:
            raise ValueError(f"input kind {self.kind}: needs a label and at least one table")


# In the order the loaders' sniffers are tried: where two signatures could both match, the most
# specific comes first. A loader reading several kinds is tried once, where its first kind stands.
KINDS: tuple[InputKind, ...] = (
    InputKind("census_lsoa", "Census 2021 by LSOA (Nomis bulk, for peer groups)", "census_lsoa", ("census_lsoa",),
              NATIONAL),
    InputKind("lsoa_areas", "ONS LSOA areas (Standard Area Measurements)", "census_lsoa", ("census_lsoa",), NATIONAL),
    InputKind("distance_to_sea", "Distance to the sea by LSOA (NHS England)", "census_lsoa", ("census_lsoa",),
              NATIONAL),
    InputKind("lsoa_authority_lookup", "ONS LSOA (2021) to authority lookup", "census_lsoa", ("lsoa_authorities",),
              NATIONAL),
    InputKind("peers_list", "Peer group list (peers.csv)", "census_lsoa", ("peer_groups",), NATIONAL),
    InputKind("ascof", "ASCOF outcomes (DHSC)", "ascof", ("ascof",), NATIONAL),
    InputKind("capacity_tracker_occupancy", "Care home occupancy (DHSC, Capacity Tracker)", "care_home_occupancy",
              ("care_home_occupancy",), NATIONAL),
    InputKind("msif_fee_rates", "MSIF provider fees (DHSC)", "msif_fees", ("fee_rates",), NATIONAL),
    InputKind("poppi_pansi", "POPPI/PANSI estimates", "ipc_projections", ("prevalence",), NATIONAL),
    InputKind("fingertips", "Fingertips indicators", "fingertips", ("indicators",), NATIONAL),
    InputKind("cqc_locations", "CQC care directory", "cqc", ("care_providers", "care_provider_services"), NATIONAL),
    InputKind("cqc_directory", "CQC care directory (weekly, simple layout)", "cqc_directory",
              ("care_providers", "care_provider_services"), NATIONAL),
    InputKind("gp_registrations_quinary", "GP registrations (by age)", "gp_registrations", ("registrations",),
              NATIONAL),
    InputKind("gp_registrations_totals", "GP registrations (totals)", "gp_registrations", ("registrations",),
              NATIONAL),
    InputKind("contracts_register", "Contracts register", "contracts", ("contracts",), COUNCIL),
    InputKind("ons_snpp", "ONS population projections", "ons_population", ("population",), NATIONAL),
    InputKind("ons_mid_year_estimates", "ONS mid-year estimates", "ons_population", ("population",), NATIONAL),
    InputKind("council_activity", "Council activity", "activity", ("activity",), COUNCIL),
    InputKind("council_finance", "Council finance", "finance", ("finance",), COUNCIL),
    InputKind("neighbourhood_caseloads", "Neighbourhood caseloads", "caseloads", ("caseloads",), COUNCIL),
    InputKind("census_bulk", "Census 2021 bulk table (Nomis)", "census_bulk", ("census",), COUNCIL),
    InputKind("lsoa_wards", "ONS LSOA (2021) to ward lookup", "lsoa_wards", ("lsoa_wards",), NATIONAL),
    InputKind("census_areas", "Census by ward", "census_wards", ("census",), COUNCIL),
    InputKind("skills_for_care_workforce", "Skills for Care workforce estimates", "workforce", ("workforce",),
              NATIONAL),
    InputKind("asc_finance_unit_costs", "ASC finance return (unit costs)", "unit_costs", ("unit_costs",), NATIONAL),
    InputKind("ward_boundaries", "Ward boundaries", "boundaries", ("boundaries", "neighbourhood_boundaries"), COUNCIL,
              sniffed=False),
)


def loader_names(kinds=None) -> list[str]:
    """The loader modules whose sniffers recognise files, each once, in the order they are tried."""
    kinds = KINDS if kinds is None else kinds
    return list(dict.fromkeys(k.loader for k in kinds if k.sniffed))


def labels(kinds=None) -> dict[str, str]:
    """Each kind's code -> its plain-words label."""
    kinds = KINDS if kinds is None else kinds
    return {k.kind: k.label for k in kinds}


def kind_codes(kinds=None) -> list[str]:
    """Every kind's code, sniffed kinds first in the order they are tried (the 'expected one of' of
    an unrecognised file)."""
    kinds = KINDS if kinds is None else kinds
    return [k.kind for k in kinds if k.sniffed] + [k.kind for k in kinds if not k.sniffed]


def produced_by(table: str, kinds=None) -> str:
    """The loader modules that write `table` (`loaders.<module>`, comma separated), or '' when no
    kind feeds it (a lookup, a metric or a step after loading writes it)."""
    kinds = KINDS if kinds is None else kinds
    return ", ".join(dict.fromkeys(f"loaders.{k.loader}" for k in kinds if table in k.tables))


def tables_of(scope: str, kinds=None) -> frozenset[str]:
    """The store tables the kinds of one scope (NATIONAL or COUNCIL) feed. The council's are held
    for the profile authority only (`store.PROFILE_TABLES`)."""
    kinds = KINDS if kinds is None else kinds
    return frozenset(t for k in kinds if k.scope == scope for t in k.tables)


def markdown(kinds=None) -> str:
    """The kinds as a Markdown table (the list `docs/formats.md` opens with)."""
    kinds = KINDS if kinds is None else kinds
    out = ["| kind | what it is | read by | feeds | rows kept (national or the council's) |", "|---|---|---|---|---|"]
    for k in kinds:
        out.append(f"| `{k.kind}` | {k.label} | `loaders/{k.loader}.py` | {', '.join(f'`{t}`' for t in k.tables)} | "
                   + ("national: every authority's" if k.scope == NATIONAL else "the council's only") + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")

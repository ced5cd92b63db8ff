"""The authority profile: the facts about one authority that no publisher's file holds.

A profile is a folder, `data/authorities/<GSS code>/` by default, holding `profile.toml` (name,
region, comparators, NHS codes, branding, targets, contacts, intentions) and the authority's CSV
lookups (`neighbourhoods.csv`, `practices.csv`, `wards.csv`, `postcode_districts.csv`). Every part is
optional: an authority with no profile at all still gets every authority-wide view, its name and
region from the national areas lookup.

Which authority, and which profile, in order:
1. `--authority CODE` / `--profile DIR` given to `mps ingest`;
2. `area_code` / `profile` in the folder's `mps.toml` (a relative `profile` is read from that folder);
3. refreshing a store: the authority the store holds, with its profile;
4. otherwise the authority the files agree on (`infer_authority`: the POPPI/PANSI local-authority
   rows, the practices of the GP registrations, the organisations of the council's finance and
   contracts files); files that disagree are refused in one line saying how to name it.
Keys in `mps.toml` other than these override the profile's (e.g. a folder's own branding).
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .errors import InputError
from .sheets import load_lookup

AUTHORITIES_DIR = Path(__file__).resolve().parent.parent / "data" / "authorities"
PROFILE_NAME = "profile.toml"
# The lookups that are the authority's own; the rest of data/lookups is national or generic.
PROFILE_LOOKUPS = ("lookup_neighbourhoods", "lookup_practices", "lookup_wards", "lookup_postcode_districts",
                   "lookup_postcode_wards", "lookup_cost_of_care")
# Generic lookups an authority may replace with its own copy in its profile folder.
OVERRIDABLE_LOOKUPS = ("lookup_scrutiny_questions",)
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")
# Keys the profile may hold and what each must be (checked so a typo is named, not ignored).
PROFILE_KEYS = {"area_code": str, "area_name": str, "region_code": str, "region_name": str,
                "comparators": list, "nhs": dict, "branding": dict, "targets": dict, "contacts": dict,
                "intentions": dict, "segment_overrides": dict, "profile": str, "default_client_group": str,
                "horizon": dict, "peers": dict}


def check_code(code: str, where: Path | str, column: str = "area_code") -> str:
    code = str(code).strip().upper()
    if not GSS_CODE.match(code):
        raise InputError(Path(where), f"'{code}' is not an ONS GSS area code", column=column,
                         expected="a letter and eight digits, as ONS publishes it (E09... for a London borough)")
    return code


def profile_dir_for(code: str | None) -> Path | None:
    """The bundled profile folder for an authority code, if there is one."""
    if not code:
        return None
    folder = AUTHORITIES_DIR / code
    return folder if (folder / PROFILE_NAME).exists() or folder.is_dir() else None


def read_toml(path: Path) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"{path.name} is not valid TOML ({exc})",
                         expected='lines such as area_code = "<the ONS code>"') from None
    for key, value in data.items():
        kind = PROFILE_KEYS.get(key)
        if kind is None:
            raise InputError(path, f"unknown key '{key}'", column=key,
                             expected="one of " + ", ".join(sorted(PROFILE_KEYS)) + " (docs/profile.md)")
        if not isinstance(value, kind):
            raise InputError(path, f"'{key}' is a {type(value).__name__}", column=key,
                             expected=f"a {kind.__name__} (docs/profile.md)")
    return data


def read_profile(folder: Path | None) -> dict:
    """The profile's settings ({} when there is no profile.toml)."""
    if folder is None or not (Path(folder) / PROFILE_NAME).exists():
        return {}
    path = Path(folder) / PROFILE_NAME
    profile = read_toml(path)
    if "area_code" in profile:
        profile["area_code"] = check_code(profile["area_code"], path)
    profile["comparators"] = [check_code(c, path, "comparators") for c in profile.get("comparators", [])]
    return profile


def resolve(source_dir: Path, config: dict, authority: str | None = None,
            profile: Path | None = None) -> tuple[Path | None, dict]:
    """(profile folder or None, merged settings): the profile's settings under the folder's
    `mps.toml` and the command line's choices."""
    code = check_code(authority, "--authority") if authority else None
    if code is None and config.get("area_code"):
        code = check_code(config["area_code"], Path(source_dir) / "mps.toml")
    folder = Path(profile) if profile else None
    if folder is None and config.get("profile"):
        folder = (Path(source_dir) / config["profile"]).resolve()
    if folder is None:
        folder = profile_dir_for(code)
    if folder is not None and not folder.is_dir():
        raise InputError(folder, "this profile folder does not exist",
                         expected="a folder with profile.toml and the authority's lookups (docs/profile.md)")
    settings = read_profile(folder)
    if code and settings.get("area_code") and settings["area_code"] != code:
        raise InputError(folder / PROFILE_NAME, f"the profile is for {settings['area_code']}, not {code}",
                         column="area_code", expected=f"the profile of {code}")
    merged = {**settings, **{k: v for k, v in config.items() if k != "profile"}}
    for key in ("branding", "targets", "contacts", "nhs", "intentions"):
        merged[key] = {**settings.get(key, {}), **config.get(key, {})}
    if code:
        merged["area_code"] = code
    return folder, merged


def profile_lookup_dir(folder: Path | None, name: str) -> Path | None:
    """Where the authority's lookup ``name`` lives: its profile folder, or nowhere."""
    if folder is None:
        return None
    file = f"{name.removeprefix('lookup_')}.csv"
    return folder if (folder / file).exists() else None


__all__ = ["AUTHORITIES_DIR", "OVERRIDABLE_LOOKUPS", "PROFILE_LOOKUPS", "check_code", "infer_authority", "load_lookup",
           "profile_dir_for", "read_profile", "resolve"]


# What each kind of evidence is called in the summary, in the order it is listed.
EVIDENCE = {"prevalence": "the POPPI/PANSI tables", "registrations": "the GP registrations' practices",
            "council": "the council's finance and contracts files"}


def infer_authority(results, lookups_dir: Path) -> tuple[str | None, str]:
    """(code, how) when the files that name an authority agree on one; (None, the disagreement)
    when they do not; (None, "") when none names one (national files only).

    Evidence, each counted only when it points at exactly one upper-tier authority:
    - POPPI/PANSI: the local-authority rows' area code;
    - GP registrations: the authority whose profile lists at least half the file's practices (a
      national file, every practice in England, points at none);
    - the council's own finance and contracts files: the authority named in their organisations
      ("NHS <name> CCG", "<name> Council"), by whole words."""
    import pandas as pd

    frames: dict[str, list] = {}
    for _, result in results:
        frames.setdefault(result.table, []).append(result.frame)
    tables = {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}
    areas = load_lookup("areas.csv", lookups_dir)
    authorities = areas[~areas["area_type"].isin(["england", "region"])]
    names = dict(zip(authorities["area_code"], authorities["area_name"]))
    found: dict[str, set[str]] = {}
    if "prevalence" in tables:
        la = tables["prevalence"]
        found["prevalence"] = set(la.loc[la["area_type"] == "la", "area_code"].dropna())
    if "registrations" in tables:
        practices = set(tables["registrations"]["practice_code"].dropna())
        found["registrations"] = {code for code, listed in _profile_practices().items()
                                  if practices and len(practices & listed) * 2 >= len(practices)}
    orgs = set()
    for name in ("finance", "contracts"):
        if name in tables:
            orgs |= set(tables[name]["organisation"].dropna().astype(str))
    if orgs:
        found["council"] = {code for code, name in names.items()
                            if any(re.search(rf"\b{re.escape(name)}\b", o, re.I) for o in orgs)}
    votes = {kind: next(iter(codes)) for kind, codes in found.items() if len(codes) == 1}
    if not votes:
        return None, ""
    if len(set(votes.values())) > 1:
        said = "; ".join(f"{EVIDENCE[k]} name {c} {names.get(c, '')}".rstrip() for k, c in votes.items())
        return None, f"the files name different authorities ({said}), so the authority cannot be inferred"
    code = next(iter(votes.values()))
    return code, "from " + _listed([EVIDENCE[k] for k in EVIDENCE if k in votes])


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _profile_practices() -> dict[str, set[str]]:
    """Every bundled profile's practice codes, by authority code."""
    out = {}
    for folder in sorted(AUTHORITIES_DIR.glob("*")):
        if (folder / "practices.csv").is_file():
            out[folder.name] = set(load_lookup("practices.csv", folder)["practice_code"].dropna())
    return out


def check_segment_overrides(config: dict, where: Path | str) -> None:
    """The profile's [segment_overrides.<segment>] tables: a known segment, a direction of grow, hold
    or shrink, and a reason; anything else is refused at ingest, naming the key."""
    from domain.vocabulary import DIRECTIONS, MARKET_SEGMENTS

    for segment, given in (config.get("segment_overrides") or {}).items():
        column = f"segment_overrides.{segment}"
        if segment not in MARKET_SEGMENTS:
            raise InputError(Path(where), f"'{segment}' is not a market segment", column=column,
                             expected="one of " + ", ".join(MARKET_SEGMENTS))
        if not isinstance(given, dict):
            raise InputError(Path(where), "an override must be a table with direction and reason", column=column,
                             expected='direction = "grow" and reason = "..."')
        direction = str(given.get("direction", "")).strip().lower()
        if direction not in DIRECTIONS:
            raise InputError(Path(where), f"found direction '{given.get('direction', '')}'", column=column,
                             expected="grow, hold or shrink")
        if not str(given.get("reason", "")).strip():
            raise InputError(Path(where), "the override gives no reason", column=column,
                             expected="a reason people can read beside the rating")

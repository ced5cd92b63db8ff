"""No loader, metric, layout or callback module names an authority or a neighbourhood: those facts
live in the authority's profile (data/authorities/<code>/), so the code serves any council."""
import csv
import re

from conftest import AUTHORITIES, ROOT

CODE = ["loaders", "store", "metrics", "sentences", "layouts", "callbacks", "domain", "publish"]


def _profile_names() -> set[str]:
    names = set()
    with open(ROOT / "data" / "lookups" / "areas.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["area_type"] == "la":
                names.update([row["area_name"], row["area_code"]])
    for path in sorted(AUTHORITIES.glob("*/neighbourhoods.csv")):
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                names.update([row["neighbourhood_name"]])
    return {n for n in names if n}


def test_code_names_no_authority_or_neighbourhood():
    names = _profile_names()
    assert "Lewisham" in names or "E09000023" in names  # the check has something to look for
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")
    found = []
    for package in CODE:
        for path in sorted((ROOT / package).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                m = pattern.search(line)
                if m:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {m.group(0)}")
    assert found == []

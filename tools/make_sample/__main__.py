"""Regenerate the embedded sample: `python -m tools.make_sample [OUT_DIR]` from the repo root.

Writes every sample input into data/sample/ (or OUT_DIR) and data/sample/README.md from the
modules' readme sections. Deterministic: the same files every run.
"""
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["ipc", "ons", "fingertips", "cqc", "gp", "contracts", "council", "workforce", "unit_costs"]


def main(argv):
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "data" / "sample"
    out.mkdir(parents=True, exist_ok=True)
    for name in MODULES:
        module = importlib.import_module(f"tools.make_sample.{name}")
        for path in module.write(out):
            print(f"{name}: {Path(path).name}")
    here = Path(__file__).resolve().parent
    parts = [(here / "readme_header.md").read_text()]
    parts += [(here / f"readme_{name}.md").read_text() for name in MODULES if (here / f"readme_{name}.md").exists()]
    (out / "README.md").write_text("\n".join(p.rstrip() + "\n" for p in parts), encoding="utf-8")
    print("README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

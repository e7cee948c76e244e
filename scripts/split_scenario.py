"""Split a scenario into local scenarios, one per group of regions (the inverse of optimiser merge).

    python scripts/split_scenario.py SCENARIO OUT_DIR --part north=black_country,staffordshire_stoke \
        --part south=birmingham_solihull,coventry_warwickshire ...

Writes OUT_DIR/<part>/ for each part: the rows of its regions (a row's region is its `region`
column; links by region_a, graduate destinations by from_region, providers by their region and
provider_routes by their provider's region) and a copy of every row that names no region (staff
groups, routes, budgets, pooled recruitment caps, blank-region retention rows, areas). Every region
must be in exactly one part. A part may commission places at a provider of another part, as a
local plan would; `optimiser merge` puts the parts back together and checks them as one.
Used by tests/integration/test_merge.py to show that a merge of local scenarios equals the joint one.
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path

import optimiser

REGION_COLUMN = {"links": "region_a", "graduate_destinations": "from_region"}


def split(raw, parts: dict[str, list[str]]):
    """{part: RawScenario}."""
    regions = list(raw.tables["regions"]["region"])
    listed = [r for rs in parts.values() for r in rs]
    if sorted(listed) != sorted(regions):
        raise SystemExit(f"every region must be in exactly one part; regions: {', '.join(regions)}")
    home = dict(zip(raw.tables["providers"]["provider"], raw.tables["providers"]["region"], strict=True)) \
        if "providers" in raw.tables else {}
    out = {}
    for part, members in parts.items():
        local = copy.deepcopy(raw)
        local.config["name"] = f"{raw.config.get('name', 'scenario')}: {part}"
        local.source = part
        for table, df in raw.tables.items():
            if table == "provider_routes":
                keep = df["provider"].map(home).isin(members)
            elif (col := REGION_COLUMN.get(table, "region")) in df.columns:
                keep = df[col].isin(members) | (df[col] == "")
            else:
                continue
            local.tables[table] = df[keep].reset_index(drop=True)
        out[part] = local
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario")
    parser.add_argument("out_dir")
    parser.add_argument("--part", action="append", required=True, help="name=region,region,...")
    args = parser.parse_args()
    parts = {p.split("=", 1)[0]: p.split("=", 1)[1].split(",") for p in args.part}
    for part, local in split(optimiser.load_raw(args.scenario), parts).items():
        optimiser.write_scenario(local, Path(args.out_dir) / part)
        print(f"Wrote {Path(args.out_dir) / part} ({', '.join(parts[part])})")


if __name__ == "__main__":
    main()

"""Synthetic actuals for a plan: what a network might report after the plan's first years.

    python scripts/make_actuals.py PLAN_DIR OUT_DIR [--years 2] [--spread 0.12] [--seed 1]

Reads a plan's run folder (optimiser solve --out) and writes an actuals folder in the format of
inputs/data_dictionary.csv (tables actual_*): for the plan's first `years` start years,

- actual_in_post.csv: staff in post by staff group and region on the 1st of every month, from
  1 April of the start year to 1 April after the last year (the plan's stock, interpolated
  between 1 Aprils, times a drift that grows from 0 at the start to the group and region's
  factor at the end);
- actual_starts.csv, actual_recruits.csv, actual_retained.csv, actual_spend.csv: the plan's
  figures of those years times a factor per line, rounded to whole starts and recruits.

Each line's factor is 1 + spread * u with u drawn uniformly from [-1, 1] (seeded), so some lines
are above plan and some below; `--spread 0` writes actuals equal to the plan (the re-plan test).
actuals.toml sets the flags' thresholds (amber 5%, red 10%) and the date of the latest actuals.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd


def _factor(rng: np.random.Generator, n: int, spread: float) -> np.ndarray:
    return 1.0 + spread * rng.uniform(-1.0, 1.0, n)


def make_actuals(plan_dir: str | Path, out_dir: str | Path, years: int = 2, spread: float = 0.12,
                 seed: int = 1) -> Path:
    plan_dir, out = Path(plan_dir), Path(out_dir)
    rng = np.random.default_rng(seed)
    projection = pd.read_csv(plan_dir / "projection.csv")
    y0 = int(projection["year"].min())
    covered = list(range(y0, y0 + years))
    out.mkdir(parents=True, exist_ok=False)

    # in post: monthly, the 1st of each month, drifting from the plan
    stock = projection.set_index(["staff_group", "region", "year"])["supply_wte"]
    keys = projection[["staff_group", "region"]].drop_duplicates().reset_index(drop=True)
    keys["factor"] = _factor(rng, len(keys), spread)
    first, last = pd.Timestamp(y0, 4, 1), pd.Timestamp(y0 + years, 4, 1)
    rows = []
    for date in pd.date_range(first, last, freq="MS"):
        year = date.year if date.month >= 4 else date.year - 1
        start, end = pd.Timestamp(year, 4, 1), pd.Timestamp(year + 1, 4, 1)
        share = (date - start).days / (end - start).days
        elapsed = (date - first).days / (last - first).days
        for _, k in keys.iterrows():
            s0 = stock[(k["staff_group"], k["region"], year)]
            s1 = stock.get((k["staff_group"], k["region"], year + 1), s0)
            planned = s0 + share * (s1 - s0)
            rows.append({"date": date.strftime("%Y-%m-%d"), "region": k["region"], "staff_group": k["staff_group"],
                         "in_post_wte": round(planned * (1 + elapsed * (k["factor"] - 1)), 4)})
    pd.DataFrame(rows).to_csv(out / "actual_in_post.csv", index=False)

    def scaled(file: str, keys: list[str], value: str, whole: bool) -> pd.DataFrame:
        df = pd.read_csv(plan_dir / file, keep_default_na=False)
        df = df[df["year"].isin(covered)].groupby(keys, as_index=False)[value].sum()
        df[value] = df[value] * _factor(rng, len(df), spread)
        df[value] = df[value].round(0).astype(int) if whole else df[value].round(4)
        return df

    scaled("starts.csv", ["year", "provider", "route", "region"], "starts", True) \
        .to_csv(out / "actual_starts.csv", index=False)
    scaled("recruits.csv", ["year", "route", "region"], "recruits", True).to_csv(out / "actual_recruits.csv", index=False)
    scaled("retention.csv", ["year", "region", "staff_group"], "retained_wte", False) \
        .to_csv(out / "actual_retained.csv", index=False)
    scaled("costs.csv", ["year", "category"], "gbp", False).to_csv(out / "actual_spend.csv", index=False)
    (out / "actuals.toml").write_text(f'amber_at = 0.05\nred_at = 0.1\nas_of = "{last:%Y-%m-%d}"\n', encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("plan_dir")
    parser.add_argument("out_dir")
    parser.add_argument("--years", type=int, default=2, help="start years the actuals cover (default 2)")
    parser.add_argument("--spread", type=float, default=0.12, help="largest share a line is off plan (default 0.12)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out = make_actuals(args.plan_dir, args.out_dir, args.years, args.spread, args.seed)
    print(f"Wrote actuals for {args.years} years to {out}")


if __name__ == "__main__":
    main()

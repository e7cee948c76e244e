"""What a plan's story needs from its scenario beyond the result: names, hub coordinates and reach.

A plan's tables name regions, providers, staff groups, routes and schemes by identifier; a
planner reads names. `PlanContext` holds, from the scenario the plan was solved from: the
readable name of every identifier (a route or scheme without a name column reads as its
identifier with spaces), each provider's region, each region's hub coordinates (the optional
`latitude`, `longitude` columns of regions.csv, for the map), which levers reach each staff
group (the routes that produce it, the retention schemes that keep it, the groups whose skill
mix covers its work) and the first decision year. It is written beside a plan as
`plan_context.json` so a run folder can be reported on later without its scenario.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from optimiser.analysis import wording as w
from optimiser.basics.plain_numbers import finite_number
from optimiser.scenario.io import RawScenario

CONTEXT_FILE = "plan_context.json"


SCHEME_KINDS = {"leavers": "retention (fewer leavers)", "retirements": "flexible retirement (retire and return)"}


def readable_id(identifier: str) -> str:
    """An identifier as words when the scenario gives no name ("ug_radiography" -> "ug radiography")."""
    return w.readable_id(identifier)


@dataclass(frozen=True)
class PlanContext:
    """Names and reach of a plan's scenario (see the module's docstring)."""

    regions: dict[str, str] = field(default_factory=dict)
    providers: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    routes: dict[str, str] = field(default_factory=dict)
    schemes: dict[str, str] = field(default_factory=dict)
    provider_region: dict[str, str] = field(default_factory=dict)
    route_group: dict[str, str] = field(default_factory=dict)  # route -> the staff group it produces
    coordinates: dict[str, tuple[float, float]] = field(default_factory=dict)  # region -> (latitude, longitude)
    reached_by: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group -> routes and schemes that add to it
    covered_by: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group -> groups whose skill mix covers it
    first_decision_year: int | None = None
    scenario_name: str = ""

    def name(self, identifier) -> str:
        """The readable name of any identifier a plan's tables hold (a year stays a year)."""
        if not isinstance(identifier, str):
            return "" if identifier != identifier else str(identifier)  # a blank cell read back as NaN
        for names in (self.regions, self.providers, self.groups, self.routes, self.schemes):
            if identifier in names:
                return names[identifier]
        return readable_id(identifier)

    def words(self, index_text: str) -> str:
        """binding.csv's index text ("Birmingham City University, ug_radiography, 2024") with every
        identifier among its comma-separated parts replaced by its name."""
        known = {**self.routes, **self.schemes, **self.regions, **self.providers, **self.groups}
        return ", ".join(known.get(part, part) for part in str(index_text).split(", "))

    def to_json(self) -> str:
        data = asdict(self)
        data["coordinates"] = {r: list(c) for r, c in self.coordinates.items()}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> PlanContext:
        data = json.loads(text)
        data["coordinates"] = {r: (float(c[0]), float(c[1])) for r, c in data.get("coordinates", {}).items()}
        data["reached_by"] = {g: tuple(v) for g, v in data.get("reached_by", {}).items()}
        data["covered_by"] = {g: tuple(v) for g, v in data.get("covered_by", {}).items()}
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def read(cls, folder: str | Path) -> PlanContext | None:
        """The context written beside a plan, or None when the folder has none that reads."""
        try:
            return cls.from_json((Path(folder) / CONTEXT_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            return None


def _table(raw: RawScenario, name: str) -> pd.DataFrame:
    df = raw.tables.get(name)
    return df if df is not None else pd.DataFrame()


def _names(df: pd.DataFrame, key: str) -> dict[str, str]:
    if df.empty or key not in df.columns:
        return {}
    names = df["name"].astype(str) if "name" in df.columns else [""] * len(df)
    return {k: (n.strip() or readable_id(k)) for k, n in zip(df[key], names, strict=True) if k}


def _coordinates(regions: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Hub coordinates of the regions that give both; none when any region lacks them (a map with
    regions missing would mislead)."""
    if regions.empty or not {"latitude", "longitude"} <= set(regions.columns):
        return {}
    out = {}
    for r, lat, lon in zip(regions["region"], regions["latitude"], regions["longitude"], strict=True):
        a, b = finite_number(str(lat)), finite_number(str(lon))
        if a is None or b is None:
            return {}
        out[r] = (a, b)
    return out


def plan_context(raw: RawScenario) -> PlanContext:
    """The context of a scenario as typed (a validated scenario's `raw`, or the app's edited text)."""
    regions, providers, routes = _table(raw, "regions"), _table(raw, "providers"), _table(raw, "routes")
    retention, skill_mix = _table(raw, "retention"), _table(raw, "skill_mix")
    reached: dict[str, list[str]] = {}
    route_group = {}
    if not routes.empty:
        for route, group in zip(routes["route"], routes["produces"], strict=True):
            reached.setdefault(group, []).append(route)
            route_group[route] = group
    if not retention.empty:
        for scheme, group in zip(retention["scheme"], retention["staff_group"], strict=True):
            if scheme not in reached.setdefault(group, []):
                reached[group].append(scheme)
    covered: dict[str, list[str]] = {}
    if not skill_mix.empty:
        for covering, group in zip(skill_mix["covering_group"], skill_mix["covered_group"], strict=True):
            if covering not in covered.setdefault(group, []):
                covered[group].append(covering)
    groups = _names(_table(raw, "staff_groups"), "staff_group")
    schemes = {}  # a scheme by what it does and for whom: "Diagnostic radiographer: flexible retirement"
    if not retention.empty:
        applies = retention["applies_to"] if "applies_to" in retention.columns else [""] * len(retention)
        for scheme, group, stream in zip(retention["scheme"], retention["staff_group"], applies, strict=True):
            kind = SCHEME_KINDS.get(str(stream).strip(), "retention scheme")
            schemes.setdefault(scheme, f"{groups.get(group, readable_id(group))}: {kind}")
    first = raw.config.get("first_decision_year", raw.config.get("start_year"))
    try:
        first_year = int(first) if first not in (None, "") else None
    except (TypeError, ValueError):
        first_year = None
    return PlanContext(
        regions=_names(regions, "region"),
        providers=_names(providers, "provider"),
        groups=groups,
        routes=_names(routes, "route"),
        schemes=schemes,
        provider_region=dict(zip(providers["provider"], providers["region"], strict=True)) if not providers.empty else {},
        route_group=route_group,
        coordinates=_coordinates(regions),
        reached_by={g: tuple(v) for g, v in reached.items()},
        covered_by={g: tuple(v) for g, v in covered.items()},
        first_decision_year=first_year,
        scenario_name=str(raw.config.get("name", "")),
    )

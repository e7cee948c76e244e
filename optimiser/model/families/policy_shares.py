"""Policy shares of new supply: bounds on some routes' share of a group's starts and recruits."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Role, RowFamily, add_rows, lin

_KEY = ("staff_group", "routes", "year")
SHARE_MIN = RowFamily("policy_share_min", "policy share (minimum)", _KEY, "starts and recruits", Role.REQUIREMENT,
                      one_more="one fewer start or recruit required on the selected routes")
SHARE_MAX = RowFamily("policy_share_max", "policy share (maximum)", _KEY, "starts and recruits", Role.LIMIT,
                      one_more="one more start or recruit allowed on the selected routes")
ROWS = (SHARE_MIN, SHARE_MAX)
DECISIONS = ()


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """For each policy_shares row (group g, selected routes S, decision year y >= F; plan only), with
    P every route producing g (upskilling and non-training routes included) and
    N_k,y = sum_{p,r} starts[p,r,k,y] + sum_r recruits[k,r,y] (heads):

        sum_{k in S} N_k,y - min_share * sum_{k in P} N_k,y >= 0       (when min_share is given)
        sum_{k in S} N_k,y - max_share * sum_{k in P} N_k,y <= 0       (when max_share is given)

    Rows are indexed (g, the selected routes joined by spaces, y); a row over no starts or recruits
    is not written.
    """
    if data.mode != "plan" or not data.policy_shares:
        return
    heads: dict[tuple[str, int], list] = {}
    for key in m.starts:
        heads.setdefault((key[2], key[3]), []).append(m.starts[key])
    for key in m.recruits:
        heads.setdefault((key[0], key[3]), []).append(m.recruits[key])
    producing: dict[str, list[str]] = {}
    for k, route in data.routes.items():
        producing.setdefault(route.produces, []).append(k)
    lower, upper = {}, {}
    for share in data.policy_shares:
        selected = set(share.routes)
        every = [(k, v) for k in producing.get(share.staff_group, []) for v in heads.get((k, share.year), [])]
        if not every:
            continue
        key = (share.staff_group, " ".join(share.routes), share.year)
        if share.min_share is not None:
            lower[key] = lin([((k in selected) - share.min_share, v) for k, v in every]) >= 0
        if share.max_share is not None:
            upper[key] = lin([((k in selected) - share.max_share, v) for k, v in every]) <= 0
    add_rows(m, SHARE_MIN, lower)
    add_rows(m, SHARE_MAX, upper)

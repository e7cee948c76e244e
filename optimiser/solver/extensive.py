"""The extensive form of a two-stage stochastic programme, assembled from one compiled model per
future (knows no scenario: the caller says which columns are first-stage decisions).

Every future s is the same model with its own data, compiled on its own (`StandardForm`); its
columns are either first-stage (a decision shared by every future, named by a key the caller gives)
or second-stage (its own). The extensive form has one copy of each first-stage column and one block
of second-stage columns per future:

    columns:  [ x (first stage, shared) | y_1 | y_2 | ... | y_N | (CVaR: eta, z_1 .. z_N) ]
    rows:     each block's rows that the caller keeps (`row_masks`): rows of x alone once per
              distinct row (budgets, cohorts, stability, ... identical in every block: once);
              rows with second-stage columns once per block, on x and that block's y_s
    mean:     min  c1.x + sum_s p_s (c2_s.y_s + offset_s)             (p_s: the blocks' weights)
    CVaR_a:   min  c1.x + eta + sum_s p_s z_s / (1-a),   z_s >= c2_s.y_s + offset_s - eta,  z_s >= 0
              over the blocks of positive weight (Rockafellar and Uryasev: eta is the value at
              risk at the optimum)

c1 is the weighted mean of the blocks' first-stage costs (the same when costs are not uncertain).
A first-stage column missing from some future (a decision that future does not allow) is fixed at 0,
and its bounds are the tightest of the futures'. The result is a `CompiledModel`, so the engine's
own `run` solves it (relax and round, then branch and bound).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from optimiser.solver.lifecycle import CompiledModel
from optimiser.solver.standard_form import INF, StandardForm, integrality


@dataclass(frozen=True)
class ExtensiveForm:
    """The assembled model and where each future's columns sit in it."""

    compiled: CompiledModel
    first_keys: list  # first-stage key per shared column (columns 0 .. n_first-1)
    # per future: for each of its columns, the extensive column it is (first stage or its own block)
    column_maps: list[np.ndarray]
    risk_columns: tuple[int, ...]  # (eta, z_1 .. z_N) under CVaR, else ()
    shared_rows: int  # rows of first-stage columns only, written once

    @property
    def n_first(self) -> int:
        return len(self.first_keys)

    def future_values(self, values: np.ndarray, s: int) -> np.ndarray:
        """Future s's own column values (in its compiled order) from an extensive-form solution."""
        return values[self.column_maps[s]]


def assemble(forms: list[StandardForm], first_keys: list[list], weights: list[float],
             row_masks: list[np.ndarray | None], alpha: float | None = None) -> ExtensiveForm:
    """The extensive form of the blocks `forms`. `first_keys[s][j]` is the first-stage key of column
    j of block s, or None for its own (second-stage) columns; `weights[s]` its probability (a block
    of weight 0 only constrains the first stage: the unperturbed scenario's limits); `row_masks[s]`
    the rows of block s written (None: all); `alpha` None minimises the expectation, otherwise the
    conditional value at risk at level alpha (0 <= alpha < 1) over the blocks of positive weight."""
    n_futures = len(forms)
    if n_futures == 0 or not sum(weights) > 0:
        raise ValueError("an extensive form needs at least one future of positive weight")
    weights = [w / sum(weights) for w in weights]
    keys: dict = {}
    for s_keys in first_keys:
        for k in s_keys:
            if k is not None:
                keys.setdefault(k, len(keys))
    n1 = len(keys)
    col_lower, col_upper = np.full(n1, -INF), np.full(n1, INF)
    present = np.zeros(n1, dtype=int)
    cost1 = np.zeros(n1)
    integer1 = np.zeros(n1, dtype=bool)
    lowers, uppers, integers = [col_lower], [col_upper], [integer1]
    maps: list[np.ndarray] = []
    offset_total = 0.0
    next_col = n1
    second_costs = []
    for form, s_keys, w in zip(forms, first_keys, weights, strict=True):
        shared = np.array([k is not None for k in s_keys], dtype=bool)
        cmap = np.empty(form.n_cols, dtype=np.int64)
        ids = np.array([keys[k] for k in s_keys if k is not None], dtype=np.int64)
        cmap[shared] = ids
        own = np.flatnonzero(~shared)
        cmap[own] = np.arange(next_col, next_col + len(own))
        next_col += len(own)
        maps.append(cmap)
        np.maximum.at(col_lower, ids, form.col_lower[shared])
        np.minimum.at(col_upper, ids, form.col_upper[shared])
        present[ids] += 1
        integer1[ids] |= form.integer[shared]
        cost1[ids] += w * form.cost[shared]
        lowers.append(form.col_lower[own])
        uppers.append(form.col_upper[own])
        integers.append(form.integer[own])
        second_costs.append(w * form.cost[own])
        offset_total += w * form.objective_offset
    # a decision some future does not have cannot be taken in it: held at 0
    missing = present < n_futures
    col_lower[missing] = col_upper[missing] = 0.0

    rows_lo, rows_hi, blocks = [], [], []
    seen: set = set()
    shared_rows = 0
    n_second = next_col - n1
    risk_rows = []  # per future: its objective offset (a constant of its loss)
    for form, cmap, mask in zip(forms, maps, row_masks, strict=True):
        A = form.matrix.tocsr()
        first_only = np.asarray((A[:, np.flatnonzero(cmap >= n1)] != 0).sum(axis=1)).ravel() == 0
        written = np.ones(form.n_rows, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        keep = []
        for i in np.flatnonzero(first_only & written).tolist():
            lo, hi = A.indptr[i], A.indptr[i + 1]
            sig = (tuple(cmap[A.indices[lo:hi]].tolist()), tuple(A.data[lo:hi].tolist()),
                   float(form.row_lower[i]), float(form.row_upper[i]))
            if sig in seen:
                continue
            seen.add(sig)
            keep.append(i)
        shared_rows += len(keep)
        keep = np.array(sorted(keep + np.flatnonzero(~first_only & written).tolist()), dtype=np.int64)
        sub = A[keep].tocoo()
        blocks.append((sub.data, sub.row, cmap[sub.col], len(keep)))
        rows_lo.append(form.row_lower[keep])
        rows_hi.append(form.row_upper[keep])
        risk_rows.append(form.objective_offset)

    n_cols = next_col
    risk_columns: tuple[int, ...] = ()
    cost2 = np.concatenate(second_costs) if second_costs else np.zeros(0)
    risky = [s for s, w in enumerate(weights) if w > 0]
    if alpha is None:
        cost = np.concatenate([cost1, cost2])
        offset = offset_total
        extra_cols = 0
    else:
        if not 0.0 <= alpha < 1.0:
            raise ValueError(f"the CVaR level must be at least 0 and below 1, not {alpha}")
        extra_cols = 1 + len(risky)
        eta = n_cols
        risk_columns = tuple(range(eta, eta + extra_cols))
        cost = np.concatenate([cost1, np.zeros(n_second), [1.0], [weights[s] / (1.0 - alpha) for s in risky]])
        offset = 0.0
    # stack the futures' rows
    data, r_idx, c_idx = [], [], []
    row0 = 0
    for values, rows, cols, count in blocks:
        data.append(values)
        r_idx.append(rows + row0)
        c_idx.append(cols)
        row0 += count
    row_lower, row_upper = np.concatenate(rows_lo), np.concatenate(rows_hi)
    if alpha is not None:
        # z_s + eta - c2_s.y_s >= offset_s
        for z, s in enumerate(risky):
            form, cmap = forms[s], maps[s]
            own = np.flatnonzero(cmap >= n1)
            c2 = form.cost[own]
            nz = np.flatnonzero(c2)
            data.append(np.concatenate([-c2[nz], [1.0, 1.0]]))
            c_idx.append(np.concatenate([cmap[own][nz], [risk_columns[0], risk_columns[1 + z]]]))
            r_idx.append(np.full(len(nz) + 2, row0))
            row_lower = np.append(row_lower, risk_rows[s])
            row_upper = np.append(row_upper, INF)
            row0 += 1
        lowers += [np.array([-INF]), np.zeros(len(risky))]
        uppers += [np.full(extra_cols, INF)]
        integers.append(np.zeros(extra_cols, dtype=bool))
    n_all = n_cols + extra_cols
    matrix = sp.csc_matrix((np.concatenate(data), (np.concatenate(r_idx), np.concatenate(c_idx))),
                           shape=(row0, n_all))
    matrix.sum_duplicates()
    lower, upper = np.concatenate(lowers), np.concatenate(uppers)
    integer = np.concatenate(integers)
    form = _standard_form(matrix, cost, offset, lower, upper, row_lower, row_upper, integer)
    return ExtensiveForm(CompiledModel(form, 0.0), list(keys), maps, risk_columns, shared_rows)


def _standard_form(A, cost, offset, col_lower, col_upper, row_lower, row_upper, integer) -> StandardForm:
    n, m = A.shape[1], A.shape[0]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_, lp.offset_ = cost, offset
    lp.col_lower_, lp.col_upper_ = col_lower, col_upper
    lp.row_lower_, lp.row_upper_ = row_lower, row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    if integer.any():
        lp.integrality_ = integrality(integer)
    binary = integer & (col_lower >= 0) & (col_upper <= 1)
    frozen = [np.asarray(a, dtype=float) for a in (cost, col_lower, col_upper, row_lower, row_upper)]
    for a in frozen:
        a.flags.writeable = False
    return StandardForm(model=None, lp=lp, columns=[None] * n, rows=[None] * m, cost=frozen[0],
                        objective_offset=float(offset), matrix=A, col_lower=frozen[1], col_upper=frozen[2],
                        row_lower=frozen[3], row_upper=frozen[4], integer=integer, binary=binary)

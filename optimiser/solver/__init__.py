"""The HiGHS adapter: a Pyomo model in, a plan (or why there is none) out. Knows nothing of scenarios.

    compiled = compile_model(pyomo_model)      # standard_form.py + lifecycle.py: one hand-off to HiGHS
    outcome = run(compiled, time_limit, gap)   # run.py: relax and round, branch and bound
    with compiled.row_bounds(rows, upper=...): # lifecycle.py: the only writer of bounds
        outcome = run(compiled, ...)

Modules, one job each: standard_form (Pyomo -> arrays), lifecycle (the compiled model in HiGHS and
every change of its bounds), scheduler (HiGHS's per-thread scheduler, whatever ran first), outcome
(HiGHS's status in the engine's terms), watch (progress and cancelling), rounding (relax and round),
run (the MIP run), duals (shadow prices, elastic re-solves).
"""

from optimiser.solver.duals import ShadowPrices, elastic_solve, relaxed_duals
from optimiser.solver.lifecycle import CompiledModel, compile_model
from optimiser.solver.outcome import SolveOutcome
from optimiser.solver.run import run
from optimiser.solver.watch import Progress

__all__ = ["CompiledModel", "Progress", "ShadowPrices", "SolveOutcome", "compile_model", "elastic_solve", "relaxed_duals", "run"]

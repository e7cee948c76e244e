"""Sampled futures, evaluated on a local process pool or a Dask cluster.

Future i is drawn from `SeedSequence(seed).spawn(N)[i]` and evaluated by a pure function of
(base scenario, uncertainty rows, plan, that seed), with HiGHS on one thread, so results are the
same whatever the executor or number of workers. Workers receive the base scenario once (pool
initializer; Dask `scatter(broadcast=True)`) and then only (index, seed) chunks.
"""

from __future__ import annotations

import gc
import math
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyomo.common.gc_manager import PauseGC

from optimiser.analysis.evaluate import (
    Evaluation,
    FixedPlan,
    SweepError,
    evaluate_fixed_plan,
    evaluate_reoptimised,
    evaluate_status_quo,
)
from optimiser.analysis.sampling import sample_scenario
from optimiser.scenario.scenario import Scenario
from optimiser.scenario.uncertainty import UncertainInput


@dataclass(frozen=True)
class SweepJob:
    """Everything a worker needs, sent once per worker."""

    scenario: Scenario
    inputs: tuple[UncertainInput, ...]
    plan: FixedPlan | None  # None: the status quo
    reoptimise: bool


@dataclass(frozen=True)
class SampleOutcome:
    sample: int
    draws: pd.DataFrame
    evaluations: dict[str, Evaluation]  # label ("status_quo", "plan", "reoptimised") -> outcome


def evaluate_sample(job: SweepJob, sample: int, seed: np.random.SeedSequence) -> SampleOutcome:
    """Draw future `sample` from its seed and evaluate the plan(s) in it.

    Each evaluation builds a Pyomo model of some 50,000 objects that is garbage held in cycles
    once read (a scalar Pyomo component refers to itself). With the garbage collector running,
    those objects are promoted and rescanned by older-generation collections (about 37 ms a
    future on the default against some 65 ms of work); paused here and freed by one collection of
    the youngest generation, they cost about 10 ms."""
    with PauseGC():
        scenario, draws = sample_scenario(job.scenario, list(job.inputs), seed, sample)
        evaluations = {}
        if job.plan is None:
            evaluations["status_quo"] = evaluate_status_quo(scenario)
        else:
            evaluations["plan"] = evaluate_fixed_plan(scenario, job.plan)[0]
        if job.reoptimise:
            evaluations["reoptimised"] = evaluate_reoptimised(scenario)
        outcome = SampleOutcome(sample, draws, evaluations)
    # The status quo's model is all in the youngest generation; a plan model (fixed plan,
    # re-optimised) was frozen by build_plan and, unfrozen on release, waits in the oldest one
    # for the collector's own full collections.
    gc.collect(0)
    return outcome


Chunk = list[tuple[int, np.random.SeedSequence]]
_WORKER_JOB: SweepJob | None = None


def _init_worker(job: SweepJob) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job


def _evaluate_chunk(chunk: Chunk) -> list[SampleOutcome]:
    assert _WORKER_JOB is not None, "worker started without its job"
    return [evaluate_sample(_WORKER_JOB, i, s) for i, s in chunk]


def _evaluate_chunk_with(chunk: Chunk, job: SweepJob) -> list[SampleOutcome]:
    return [evaluate_sample(job, i, s) for i, s in chunk]


def chunks_of(seeds: list[np.random.SeedSequence], workers: int) -> list[Chunk]:
    """About eight chunks per worker (so the progress bar moves and slow futures balance out)."""
    n = len(seeds)
    size = max(1, min(25, math.ceil(n / max(1, 8 * workers))))
    items = list(enumerate(seeds))
    return [items[i:i + size] for i in range(0, n, size)]


Progress = Callable[[int, int], None]  # (futures done, futures in all)


def run_local(job: SweepJob, seeds: list[np.random.SeedSequence], workers: int | None = None,
              progress: Progress | None = None) -> list[SampleOutcome]:
    """A spawn-context process pool; workers = 1 evaluates in this process."""
    import multiprocessing

    workers = workers or os.cpu_count() or 1
    outcomes: list[SampleOutcome] = []
    if workers == 1:
        for i, s in enumerate(seeds):
            outcomes.append(evaluate_sample(job, i, s))
            if progress:
                progress(len(outcomes), len(seeds))
        return outcomes
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(job,)) as pool:
        futures = [pool.submit(_evaluate_chunk, c) for c in chunks_of(seeds, workers)]
        _collect(as_completed(futures), outcomes, len(seeds), progress)
    return outcomes


def _collect(done: Iterable, outcomes: list, n: int, progress: Progress | None) -> None:
    for f in done:
        outcomes.extend(f.result())
        if progress:
            progress(len(outcomes), n)


def map_futures(fn: Callable, items: list, executor: str = "local", workers: int | None = None) -> list:
    """fn(item) for every item, in order, on `executor`: "local" (a spawn-context process pool of
    `workers`; 1 = in this process) or dask://HOST:PORT (an existing scheduler). `fn` must be a
    module-level function: workers import it. Each call must depend on its item alone, so the
    results are the same whatever the executor (as a sweep's futures are)."""
    import multiprocessing

    if executor != "local":
        with dask_client(dask_address(executor)) as client:
            return client.gather(client.map(fn, items, pure=False))
    workers = min(workers or os.cpu_count() or 1, max(1, len(items)))
    if workers == 1:
        return [fn(item) for item in items]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(fn, items))


def dask_address(executor: str) -> str:
    """dask://HOST:PORT -> tcp://HOST:PORT (the scheduler's address)."""
    rest = executor.removeprefix("dask://")
    host, _, port = rest.rpartition(":")
    if not executor.startswith("dask://") or not host or not port.isdigit():
        raise SweepError(f"--executor must be local or dask://HOST:PORT (e.g. dask://127.0.0.1:8786), not {executor!r}")
    return f"tcp://{host}:{port}"


def dask_client(address: str):
    """A client of the Dask scheduler at tcp://HOST:PORT, or a SweepError saying how to start one."""
    from dask.distributed import Client

    try:
        return Client(address, timeout=30)
    except OSError as exc:
        raise SweepError(f"cannot reach the Dask scheduler at {address}: {exc}. Fix: start one "
                         "(`dask scheduler` and `dask worker ADDRESS`) or use --executor local") from None


def run_dask(job: SweepJob, seeds: list[np.random.SeedSequence], address: str,
             progress: Progress | None = None) -> list[SampleOutcome]:
    """On an existing Dask scheduler: the job is scattered to every worker once, chunks are mapped."""
    from dask.distributed import as_completed as dask_completed

    outcomes: list[SampleOutcome] = []
    with dask_client(address) as client:
        workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
        job_future = client.scatter(job, broadcast=True)
        futures = client.map(_evaluate_chunk_with, chunks_of(seeds, workers), job=job_future, pure=False)
        _collect(dask_completed(futures), outcomes, len(seeds), progress)
    return outcomes


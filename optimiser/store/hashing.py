"""A scenario's content hash: the same inputs, wherever they came from, give the same hash."""

from __future__ import annotations

import hashlib
import json

from optimiser.basics.cells import cell_text
from optimiser.scenario.io import RawScenario
from optimiser.store.payload import json_value


def input_hash(raw: RawScenario) -> str:
    """sha256 of the settings and every table's header and cells, in a canonical form.

    Two scenarios with the same hash export to the same workbook: the hash ignores where a
    scenario came from and the file row numbers, but not the order of rows or columns.
    """
    canonical = {
        "config": raw.config,
        "tables": {
            name: {"columns": [str(c) for c in df.columns],
                   "rows": [[cell_text(v) for v in row] for row in df.itertuples(index=False, name=None)]}
            for name, df in raw.tables.items()
        },
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=json_value)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

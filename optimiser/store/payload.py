"""Tables, settings, options and summaries as JSON text, and back (never pickles).

A table keeps its labels, index and each column with its dtype, so that it loads back equal;
floats keep every digit. Dates and times inside settings are tagged so they load back as dates.
`PAYLOAD_FORMAT` is written into every stored table: change it only with a reader for the old one.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd

from optimiser.store.errors import StoreError

PAYLOAD_FORMAT = 1
_TYPE_TAG = "__optimiser_type__"  # marks a date or time inside stored settings JSON


# --- JSON for settings, options and summaries ------------------------------------------------


def json_value(value: Any) -> Any:
    """numpy scalars and dates as JSON values; anything else JSON cannot hold is refused
    (a `json.dumps` default)."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, dt.datetime):
        return {_TYPE_TAG: "datetime", "iso": value.isoformat()}
    if isinstance(value, dt.date):
        return {_TYPE_TAG: "date", "iso": value.isoformat()}
    if isinstance(value, dt.time):
        return {_TYPE_TAG: "time", "iso": value.isoformat()}
    raise TypeError(f"{type(value).__name__} value {value!r}")


def _untag(obj: dict) -> Any:
    kind = obj.get(_TYPE_TAG)
    if kind == "datetime":
        return dt.datetime.fromisoformat(obj["iso"])
    if kind == "date":
        return dt.date.fromisoformat(obj["iso"])
    if kind == "time":
        return dt.time.fromisoformat(obj["iso"])
    return obj


def to_json(value: Any, what: str) -> str:
    """`value` (settings, options, a summary...) as JSON text; `what` names it in the refusal."""
    try:
        return json.dumps(value, default=json_value, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"the {what} cannot be saved: {exc}. Use only text, numbers, true/false, dates, "
            "lists and key/value groups."
        ) from None


def from_json(text: str) -> Any:
    return json.loads(text, object_hook=_untag)


# --- tables ----------------------------------------------------------------------------------


def _column_values(values: pd.Series | pd.Index, table: str) -> list:
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_timedelta64_dtype(dtype) or (
        pd.api.types.is_complex_dtype(dtype)
    ):
        raise StoreError(f"table '{table}' column '{values.name}' has type {dtype}, which the store "
                         "cannot keep; convert it to numbers or text first")
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return [None if pd.isna(v) else v.isoformat() for v in values]
    # numpy scalars become Python numbers (floats keep every bit); missing values become null
    out = [None if v is pd.NA or v is pd.NaT else v for v in values.tolist()]
    if pd.api.types.is_object_dtype(dtype):
        out = [v if isinstance(v, str | int | float | bool | type(None)) else _object_cell(v, table, values.name)
               for v in out]
    return out


def _object_cell(value: Any, table: str, column: Any) -> Any:
    try:
        return json_value(value)
    except TypeError as exc:
        raise StoreError(f"table '{table}' column '{column}' holds a {exc}, which the store cannot "
                         "keep; convert the column to numbers or text first") from None


def _labels(index: pd.Index, table: str) -> dict:
    return {"name": index.name, "dtype": str(index.dtype), "values": _column_values(index, table)}


def table_payload(table: str, df: pd.DataFrame) -> str:
    """One table as JSON text: labels, index and each column with its dtype.

    Python's JSON writes floats with every digit (unlike `to_json`, which rounds), and the dtype
    of each column is kept, so `table_from_payload` gives back an equal frame.
    """
    payload = {
        "format": PAYLOAD_FORMAT,
        "columns": _labels(df.columns, table),
        "index": _labels(df.index, table),
        "data": [{"dtype": str(df.dtypes.iloc[i]), "values": _column_values(df.iloc[:, i], table)}
                 for i in range(df.shape[1])],
    }
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"table '{table}' cannot be saved: {exc}") from None


def _restore(values: list, dtype: str) -> pd.Series:
    if dtype.startswith("datetime64"):
        return pd.Series(pd.to_datetime(values, format="ISO8601")).astype(dtype)
    if dtype == "object":
        return pd.Series(values, dtype=object)
    return pd.Series(values, dtype=dtype)


def _restore_index(spec: dict) -> pd.Index:
    values, dtype = spec["values"], spec["dtype"]
    if dtype == "int64" and values == list(range(len(values))):
        return pd.RangeIndex(len(values), name=spec["name"])
    return pd.Index(_restore(values, dtype), name=spec["name"])


def table_from_payload(text: str) -> pd.DataFrame:
    """The frame `table_payload` wrote, with its dtypes."""
    payload = from_json(text)
    index = _restore_index(payload["index"])
    columns = {i: _restore(col["values"], col["dtype"]).set_axis(index)
               for i, col in enumerate(payload["data"])}
    df = pd.DataFrame(columns, index=index)
    df.columns = _restore_index(payload["columns"])
    return df

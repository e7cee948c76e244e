"""Hypothesis strategies for what a planner, a spreadsheet or an attacker may hand the engine:
cells, tables, whole scenarios as text, folders of files and archives (zips and workbooks).

Two kinds of each:
- *typed* ones (`cells`, `raw_scenarios`) are what load_raw itself makes: every cell text with no
  blanks around it, no all-blank row, every column named once. Scenario files must round-trip
  them exactly.
- *hostile* ones (`hostile_tables`, `hostile_raws`, `scenario_folders`, `archives`) are anything:
  padded and non-text cells, repeated and blank column names, bytes that are not UTF-8, damaged
  zips. The engine must answer them with Issues (or its own error types), never a traceback.
"""

from __future__ import annotations

import io
import warnings
import zipfile

import pandas as pd
from hypothesis import strategies as st

from optimiser.scenario.dictionary import scenario_key_specs, table_specs
from optimiser.scenario.io import RawScenario

TABLES = sorted(table_specs())
FORMULA_PREFIXES = ["=", "+", "-", "@", "'", "''", "'=", "'+", "''-", "=HYPERLINK(", "@SUM("]

# Any character a file can store: no lone surrogates (no encoding holds one).
CHARACTERS = st.characters(codec="utf-8")
TRICKY = st.sampled_from(["_x000D_", "_x005F_", "x005F_", "_x0041", "\x01", "<r>", "</r>", "\r", "\n", "\r\n",
                          "\t", '"', ",", "\x00", "\ufeff", "\u2028", "\x85", "\xa0", "é", "😀", "中", "_xFFFF_",
                          "\ufffe"])


def _normal(text: str) -> str:
    """A cell as load_raw makes it: no blanks around it."""
    return text.strip()


@st.composite
def _texts(draw, max_size: int = 30) -> str:
    head = draw(st.sampled_from(["", *FORMULA_PREFIXES]))
    parts = draw(st.lists(st.one_of(st.text(CHARACTERS, max_size=max_size), TRICKY), max_size=4))
    return head + "".join(parts)


def _cut(text: str, limit: int) -> str:
    """`text` cut to `limit` characters as a workbook counts them (UTF-16 units)."""
    return text.encode("utf-16-le")[: 2 * limit].decode("utf-16-le", errors="ignore")


def long_text(limit: int) -> st.SearchStrategy[str]:
    """Text of several thousand characters up to `limit` (as a workbook counts them), built from
    a short drawn piece."""
    return st.builds(lambda piece, n: _cut(piece * n, limit).strip(),
                     st.text(CHARACTERS, min_size=1, max_size=8).filter(lambda t: t.strip() == t),
                     st.integers(1_000, limit))


NUMBER_TEXTS = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1.0", "0.50", "-2.500", "1e3", "1E-9", "007", "+5", ".5", "5.", "-0", "-0.0", "1e308",
                     "1e400", "inf", "nan", "1_000", "1,000", "4.5%", "0.30000000000000004", "12345678901234567"]),
)


def cells(numeric: bool = False) -> st.SearchStrategy[str]:
    """One cell as load_raw makes it; numeric columns mostly hold number-like text."""
    options = [_texts().map(_normal), st.just("")]
    if numeric:
        options = [NUMBER_TEXTS, NUMBER_TEXTS, *options]
    return st.one_of(*options)


UNKNOWN_COLUMNS = st.one_of(st.sampled_from(["notes2", "=formula column", "'quoted", "Unnamed: 7", "x005F_x"]),
                            st.text(CHARACTERS, min_size=1, max_size=12).map(_normal).filter(bool))


@st.composite
def tables(draw, name: str, max_rows: int = 6, long_limit: int | None = None) -> pd.DataFrame:
    """A table as load_raw makes it: some of its dictionary columns (and maybe one of our own),
    each named once, text cells, no all-blank row, index = row - 2 (with gaps, as blank lines leave)."""
    spec = table_specs()[name]
    columns = [c.column for c in spec.columns if draw(st.booleans()) or c.required]
    extra = draw(st.one_of(st.none(), UNKNOWN_COLUMNS))
    if extra is not None and extra not in columns and extra.strip() == extra and not extra.startswith("\ufeff"):
        columns.append(extra)
    numeric = {c.column for c in spec.columns if c.numeric}
    rows = draw(st.lists(st.tuples(*(cells(c in numeric) for c in columns)).map(list), max_size=max_rows))
    if long_limit and rows and draw(st.booleans()):  # one long cell (a note pasted whole), not many: time
        rows[draw(st.integers(0, len(rows) - 1))][draw(st.integers(0, len(columns) - 1))] = draw(long_text(long_limit))
    rows = [r for r in rows if any(r)]
    gaps = draw(st.lists(st.integers(0, 2), min_size=len(rows), max_size=len(rows)))
    index, at = [], 0
    for gap in gaps:
        at += gap
        index.append(at)
        at += 1
    return pd.DataFrame(rows, columns=columns, index=index, dtype=str)


SETTING_TYPES = {s.column: s for s in scenario_key_specs()}


def _setting_value(key: str) -> st.SearchStrategy:
    spec = SETTING_TYPES.get(key)
    if spec is None:  # a key the dictionary does not know: text or true/false
        return st.one_of(_texts().map(_normal).filter(bool), st.booleans())
    if not spec.numeric:
        return _texts().map(_normal).filter(bool)
    if spec.type == "integer":
        return st.integers(-10**18, 10**18)
    return st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**18, 10**18),
                     st.sampled_from([0.0, -0.0, 1.0, 60.0, 1e-9, 0.97, 1e16, 2.0**53]))


@st.composite
def settings(draw) -> dict:
    keys = draw(st.lists(st.sampled_from(sorted(k for k, s in SETTING_TYPES.items() if not s.is_solver_setting)),
                         unique=True, max_size=6))
    config = {k: draw(_setting_value(k)) for k in keys}
    if draw(st.booleans()):
        config["my_note"] = draw(_setting_value("my_note"))
    solver = {k: draw(_setting_value(k)) for k in draw(st.lists(
        st.sampled_from(sorted(k for k, s in SETTING_TYPES.items() if s.is_solver_setting)), unique=True))}
    if solver:
        config["solver"] = solver
    return config


@st.composite
def raw_scenarios(draw, max_tables: int = 3, max_rows: int = 5, long_limit: int | None = None) -> RawScenario:
    """A scenario's text as load_raw makes it (valid or not: the cells are anything)."""
    names = draw(st.lists(st.sampled_from(TABLES), unique=True, min_size=1, max_size=max_tables))
    return RawScenario(source="<drawn>", form="folder", config=draw(settings()),
                       tables={n: draw(tables(n, max_rows, long_limit)) for n in names})


# --- hostile ---------------------------------------------------------------------------------

HOSTILE_CELLS = st.one_of(_texts(), st.none(), st.floats(), st.integers(), st.booleans(),
                          st.text(CHARACTERS, max_size=5).map(lambda t: f"  {t}  "))


@st.composite
def hostile_tables(draw, name: str) -> pd.DataFrame:
    spec = table_specs()[name]
    names = [c.column for c in spec.columns] + ["", " ", "notes", "region"]
    columns = draw(st.lists(st.one_of(st.sampled_from(names), st.text(CHARACTERS, max_size=6)), max_size=6))
    rows = draw(st.lists(st.lists(HOSTILE_CELLS, min_size=len(columns), max_size=len(columns)), max_size=5))
    index = draw(st.one_of(st.none(), st.lists(st.integers(-3, 5), min_size=len(rows), max_size=len(rows))))
    return pd.DataFrame(rows, columns=columns, index=index, dtype=object)


@st.composite
def hostile_raws(draw) -> RawScenario:
    names = draw(st.lists(st.sampled_from(TABLES), unique=True, max_size=4))
    config = draw(st.one_of(settings(), st.dictionaries(st.text(CHARACTERS, max_size=8), st.one_of(
        HOSTILE_CELLS, st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                           max_size=2)), max_size=4)))
    return RawScenario(source="<drawn>", form=draw(st.sampled_from(["folder", "workbook"])), config=config,
                       tables={n: draw(hostile_tables(n)) for n in names})


# Files: text that is nearly CSV (repeated headers, ragged rows, quotes left open, blank lines),
# bytes that are not UTF-8, and TOML that is nearly right.
CSV_LINES = st.lists(st.lists(st.one_of(st.sampled_from(["region", "name", "staff_group", "in_post_wte", "",
                                                         "1e308", '"open', "a,b", "'=x"]),
                                        st.text(CHARACTERS, max_size=6)), max_size=5), max_size=6)
CSV_BYTES = st.one_of(
    CSV_LINES.map(lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8")),
    st.binary(max_size=60),
    st.sampled_from([b"", b"\n\n", b"\xef\xbb\xbf", b"region,region\nx,y\n", b"\xff\xfe r\x00e\x00",
                     b"region,name\n\xe9ast,x\n", b'region,name\n"a,b\n', b"a" * 70_000 + b"\n1"]),
)
TOML_BYTES = st.one_of(
    st.sampled_from([b'name = "x"\nstart_year = 2025\n', b"name = ", b"[solver]\ntime_limit_s = inf\n",
                     b"a = [[[[[[[[[[1]]]]]]]]]]", b"\xff", b"name = 2024-01-01\n", b"x.y.z = 1\n"]),
    st.text(CHARACTERS, max_size=40).map(lambda t: t.encode("utf-8")),
)


@st.composite
def scenario_folders(draw) -> dict[str, bytes | None]:
    """File name -> bytes for a scenario folder; None makes a folder where the file should be."""
    names = draw(st.lists(st.sampled_from(["scenario.toml", *(f"{t}.csv" for t in TABLES)]), unique=True,
                          max_size=5))
    return {n: draw(st.one_of(st.none(), TOML_BYTES if n.endswith(".toml") else CSV_BYTES)) for n in names}


def _zip(members: list[tuple[str, bytes]], method: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": made on purpose
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


MEMBER_NAMES = st.one_of(
    st.sampled_from(["scenario.toml", "regions.csv", "workforce.csv", "staff_groups.csv", "a/regions.csv",
                     "a\\regions.csv", "b/scenario.toml", "../evil.csv", "/abs.csv", "__MACOSX/._regions.csv",
                     "notes.txt", "x/y/z/regions.csv", "Regions.csv", "dir/"]),
    st.text(CHARACTERS, min_size=1, max_size=10))


@st.composite
def archives(draw) -> tuple[str, bytes]:
    """(upload name, bytes): zips of scenario files (names repeated, nested, escaping the
    folder), damaged by a flipped byte or cut short, or not a zip at all."""
    members = draw(st.lists(st.tuples(MEMBER_NAMES, st.one_of(CSV_BYTES, TOML_BYTES)), max_size=5))
    data = _zip(members, draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])))
    damage = draw(st.sampled_from(["none", "flip", "cut", "random"]))
    if damage == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    elif damage == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "random":
        data = draw(st.binary(max_size=200))
    return draw(st.sampled_from(["scenario.zip", "scenario.xlsx", "x.ZIP", "../../etc/passwd.zip", "a.csv"])), data


def damaged(data: bytes, at: int, xor: int) -> bytes:
    """`data` with the byte at `at` (wrapped) flipped by `xor` (1..255)."""
    at %= len(data)
    return data[:at] + bytes([data[at] ^ xor]) + data[at + 1:]

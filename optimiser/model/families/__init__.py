"""One module per constraint family. Each module documents its maths, index set and units in
`add(m, data)`, which creates its variables and rows and adds its terms to the model's shared
collections (see `optimiser/model/build.py`), and declares beside them, as data, its rows
(`ROWS`: RowFamily) and the decisions it reports (`DECISIONS`: Decision); see
`optimiser/model/parts.py`. The table of contents that orders them is `build.FAMILIES`."""

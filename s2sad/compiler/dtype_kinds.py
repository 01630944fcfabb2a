"""The kinds :mod:`dtypes` gives values (its docstring says what each means)."""

F64, REAL = "f64", "real"
ITEMS = "items"  # ``as_floats(x)``: a list of Python floats or ``x``; its items are REAL
FLOATS = "floats"  # ``as_floats(x)`` of a float64 array, asked with ``numbers``: F64 items
NUMBERS = "<numbers>"  # (not a name: in the kinds while they are worked out ``numbers``)
KEYED = "keyed"  # a dict or tuple display of float64 arrays: an item read by key is F64
RANKED = {F64: 0, REAL: 1}

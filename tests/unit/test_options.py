"""Numeric run options: one reader (optimiser/basics/options.py) for every command and the app."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import optimiser
from optimiser.basics.options import (
    NUMBER_OPTIONS,
    OptionError,
    number_list,
    number_option,
    number_options,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("name", "text", "value"), [
    ("budget_scale", "1.25", 1.25), ("budget_scale", " 0 ", 0.0), ("budget_scale", "100", 100.0),
    ("budget_scale", "1e1", 10.0), ("time_limit", "60", 60.0), ("gap", "0.01", 0.01), ("gap", "1", 1.0),
    ("samples", "200", 200), ("samples", "1e3", 1000), ("seed", "0", 0), ("seed", "4294967295", 2**32 - 1),
    ("workers", "4", 4), ("port", "8501", 8501), ("samples", 5, 5), ("budget_scale", 2, 2.0),
])
def test_plain_finite_numbers_in_range_are_read(name, text, value):
    got = number_option(name, text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("budget_scale", "inf", "budget scale must be a number from 0 to 100 (x every budget), not 'inf'"),
    ("budget_scale", "nan", "not 'nan'"),
    ("budget_scale", "-1", "from 0 to 100"),
    ("budget_scale", "1e308", "not '1e308'"),
    ("budget_scale", "1_000", "not '1_000'"),
    ("budget_scale", "50%", "not '50%'"),
    ("budget_scale", "", "not ''"),
    ("time_limit", "0", "time limit must be a number from 0.01 to 604800 seconds, not '0'"),
    ("time_limit", "-inf", "not '-inf'"),
    ("gap", "1.5", "relative MIP gap must be a number from 0 to 1 (a fraction: 0.01 = 1%), not '1.5'"),
    ("samples", "2.5", "number of sampled futures must be a whole number from 1 to 100000, not '2.5'"),
    ("samples", "0", "from 1 to 100000"),
    ("seed", "-1", "seed must be a whole number from 0 to 4294967295, not '-1'"),
    ("seed", "4294967296", "not '4294967296'"),
    ("workers", "0", "number of worker processes must be a whole number from 1 to 1024"),
    ("port", "99999", "port must be a whole number from 1 to 65535 (a TCP port, e.g. 8501), not '99999'"),
    ("port", "80.5", "not '80.5'"),
    ("budget_scale", math.inf, "not 'inf'"),
    ("budget_scale", math.nan, "not 'nan'"),
    ("samples", True, "not 'True'"),
    ("seed", 10**30, "not '1000000000000000000000000000000'"),
    ("budget_scale", "9" * 400, "not '9999999999999999999999999999999999999999...'"),
])
def test_anything_else_is_refused_naming_the_option_the_value_and_the_range(name, text, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and never a Python warning (inf - inf, overflow...)
        with pytest.raises(OptionError) as caught:
            number_option(name, text)
    assert message in str(caught.value)


def test_a_list_is_read_item_by_item_and_every_bad_item_named_at_once():
    assert number_options("budget_scale", "0.5, 1,2") == [0.5, 1.0, 2.0]
    with pytest.raises(OptionError) as caught:
        number_options("budget_scale", "nan,1,,inf,lots")
    assert str(caught.value) == ("each budget scale must be a number from 0 to 100 (x every budget); not 'nan', "
                                 "an empty item (two commas together, or a comma at an end), 'inf', 'lots'")
    for empty in ("", " ", ","):
        with pytest.raises(OptionError, match="give at least one budget scale"):
            number_options("budget_scale", empty)


def test_a_list_from_python_is_read_as_the_same_list_typed():
    """frontier(scenario, [0.5, nan]) is refused with the words `--budget-scales 0.5,nan` gets."""
    assert number_list("budget_scale", [0.5, 1, np.float32(2), "3"]) == [0.5, 1.0, 2.0, 3.0]
    for values, typed in (([0.5, math.nan], "0.5,nan"), ([math.inf, 101], "inf,101"), ([], ",")):
        with pytest.raises(OptionError) as from_python:
            number_list("budget_scale", values)
        with pytest.raises(OptionError) as from_text:
            number_options("budget_scale", typed)
        assert str(from_python.value) == str(from_text.value)


@given(st.text(max_size=30))
def test_any_text_is_read_as_a_number_in_range_or_refused_with_an_option_error(text):
    for name, rule in NUMBER_OPTIONS.items():
        try:
            value = number_option(name, text)
        except OptionError as exc:
            assert rule.label in str(exc)
            continue
        assert math.isfinite(value) and rule.low <= value <= rule.high
        assert not rule.whole or isinstance(value, int)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_float_is_kept_exactly_when_in_range_and_refused_otherwise(x):
    rule = NUMBER_OPTIONS["budget_scale"]
    if math.isfinite(x) and rule.low <= x <= rule.high:
        assert number_option("budget_scale", x) == x
        assert number_option("budget_scale", repr(x)) == x  # and as text, the same number
    else:
        with pytest.raises(OptionError):
            number_option("budget_scale", x)


def test_the_reader_is_public_for_the_app():
    assert optimiser.number_option is number_option and optimiser.OptionError is OptionError
    assert optimiser.NUMBER_OPTIONS["gap"].high == 1

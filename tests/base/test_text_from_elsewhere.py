"""Text and JSON from another computer: shown safely, parsed only when shallow."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopdesk.base import jsontext
from coopdesk.base.text import showable, shown, terminal_text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kitchen", "Kitchen"),
        ("Ünïcødé 名前 Ana-María", "Ünïcødé 名前 Ana-María"),
        (
            "Kitchen\nImported 10,000 changes from Treasury",
            "Kitchen Imported 10,000 changes from Treasury",
        ),
        ("\x1b[2J\x1b[31mALL DATA LOST\x1b[0m", "ALL DATA LOST"),
        ("\x1b]0;new title\x07Garden", "Garden"),
        ("Garden\u202eexe.txt", "Garden exe.txt"),
        ("a\u2066b\u2069c\u200fd", "a b c d"),
        ("Tab\there\r\nand\x00nul\x7fdel\x9b31mcsi\x9b", "Tab here and nul del csi"),
        ("lone \ud800 surrogate", "lone surrogate"),
        ("   spaced    out   ", "spaced out"),
        (None, ""),
        (42, "42"),
    ],
)
def test_shown_makes_one_clean_line(text, expected):
    assert shown(text) == expected


def test_shown_cuts_long_text_with_an_ellipsis():
    assert shown("x" * 100) == "x" * 79 + "…"
    assert len(shown("y" * 500, limit=120)) == 120
    assert shown("short", limit=120) == "short"


@given(st.text())
def test_nothing_unshowable_survives(text):
    result = shown(text)
    assert showable(result)
    assert "\n" not in result and "\r" not in result
    assert len(result) <= 80


def test_terminal_text_keeps_the_lines_coopdesk_makes_and_nothing_else():
    assert terminal_text("one\n\ttwo \x1b[31mred\x1b[0m") == "one\n\ttwo red"


@pytest.mark.parametrize(
    "text, limit, within",
    [
        ("{}", 1, True),
        ("[[[]]]", 3, True),
        ("[[[[]]]]", 3, False),
        ('["[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]', 1, True),  # brackets in a string
        (json.dumps({"a": [1, [2, [3]]], "b": "{{{{{{{{{{{{{{{{{{{{"}), 4, True),
        (json.dumps({"a": [1, [2, [3, [4]]]]}), 4, False),
        (json.dumps(['"\\"[[[[[[[[[[[[[[[[[[[[', [[]]]), 3, True),  # escaped quotes
        ("[" * 5000 + "]" * 5000, 16, False),
        ("[" * 5000, 16, False),  # never closed
        ("[" * 20 + "}" * 20, 16, False),  # not JSON either
    ],
)
def test_nesting_is_measured_without_parsing(text, limit, within):
    assert jsontext.nesting_within(text, limit) is within


@given(
    st.recursive(
        st.none() | st.integers() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        max_leaves=30,
    )
)
def test_the_measure_agrees_with_the_real_depth(value):
    def depth(item) -> int:
        if isinstance(item, list):
            return 1 + max(map(depth, item), default=0)
        if isinstance(item, dict):
            return 1 + max(map(depth, item.values()), default=0)
        return 0

    text = json.dumps(value)
    real = depth(value)
    assert jsontext.nesting_within(text, real)
    assert real == 0 or not jsontext.nesting_within(text, real - 1)


def test_loads_refuses_deep_json_as_malformed_json():
    for text in ("[" * 100_000 + "]" * 100_000, '{"a":' * 999 + "1" + "}" * 999):
        with pytest.raises(ValueError):
            jsontext.loads(text)
    assert jsontext.loads(b'{"name": "Ana"}') == {"name": "Ana"}

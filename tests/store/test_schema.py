"""The one description of replicated data, and the two places that enforce it.

``stored_value_ok`` states the rule; incoming bundles are checked by a quick pass over each
frame in Python and then in SQL. Both must accept exactly the same values, or a value
stored at one site could be refused (or mangled) at another.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopdesk.store.merging import invalid_changes_sql
from coopdesk.store.schema import TABLES, stored_value_ok
from coopdesk.sync.bundle import BundleInvalidContentError, check_frame

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.text(alphabet="abc\x00 -", max_size=5),
    st.sampled_from(
        [
            "",
            " ",
            "x" * 121,
            "x" * 2001,
            "[]",
            '["a"]',
            '["a", 1]',
            "[",
            "a@b",
            "11111111-1111-4111-8111-111111111111",
            "11111111-1111-4111-8111",
            "1111111-11111-4111-8111-111111111111",
            "\ud800",
            # dates, times and choices: valid, rolled over, malformed
            "2026-12-01",
            "2026-11-31",
            "2026-02-29",
            "2028-02-29",
            "2026-1-01",
            "18:00",
            "24:00",
            "9:30",
            "18:60",
            "2026-12-01T18:00:00",
            "2026-12-01T18:00",
            "2026-12-01 18:00:00",
            "2026-12-32T18:00:00",
            "2026-12-01T23:59:60",
            "pending",
            "attended",
            "no-show",
            "Attended",
            "round-robin",
            "done",
            "received",
            "transfer-out",
        ]
    ),
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.isoformat(timespec="seconds")),
    st.times().map(lambda moment: moment.strftime("%H:%M")),
    st.lists(st.text(max_size=3), max_size=2),
)


# A valid value of each kind, for the required fields around the one being tested.
VALID_SAMPLE = {
    "text": "ok",
    "email": "a@b",
    "int": 1,
    "bool": 0,
    "tags": "[]",
    "ref": "11111111-1111-4111-8111-111111111111",
    "date": "2026-12-01",
    "time": "18:00",
    "datetime": "2026-12-01T18:00:00",
}


@pytest.fixture(scope="module")
def conn():
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE TABLE _change (lsn INTEGER PRIMARY KEY, tbl, op, cl, fields, versions, row_id)"
    )
    return connection


def incoming_accepts(conn, table: str, column: str, value) -> bool:
    """What sync does with a value: the frame check in Python, then the SQL check."""
    spec = TABLES[table]
    fields = {
        c.name: c.default if c.default is not None else VALID_SAMPLE[c.kind]
        for c in spec.columns
        if c.required or c.default is not None
    }
    fields[column] = value
    try:
        text = json.dumps(fields, ensure_ascii=False)
        conn.execute("DELETE FROM _change")
        conn.execute(
            "INSERT INTO _change (tbl, op, cl, fields) VALUES (?, 'insert', 1, ?)", (table, text)
        )
    except (UnicodeEncodeError, ValueError):
        return False  # cannot even be written down; a bundle cannot carry it either
    site = "11111111-1111-4111-8111-111111111111"
    frame = [
        [site],
        [1],
        [0],
        [1],
        [site],
        [table],
        [site],
        ["insert"],
        [1],
        [text],
        [None],
        [None],
    ]
    try:
        check_frame("test.coopsync", frame)
    except BundleInvalidContentError:
        return False
    try:
        bad = conn.execute(invalid_changes_sql(spec), (0, table)).fetchone()
    except sqlite3.OperationalError:
        return False
    return bad is None


@settings(max_examples=400, deadline=None)
@given(
    target=st.sampled_from([(t, c.name) for t, spec in TABLES.items() for c in spec.columns]),
    value=values,
)
def test_python_and_sql_agree_on_every_value(conn, target, value):
    table, column = target
    spec = TABLES[table]
    if isinstance(value, list | float):
        expected = False
    else:
        expected = stored_value_ok(spec.column_by_name[column], value)
    if isinstance(value, bool):
        expected = False  # JSON true/false is not an integer
    assert incoming_accepts(conn, table, column, value) == expected, (table, column, value)

"""The replicated tables: their columns, the kind of value each holds, and its limits.

This is the one description of replicated data. The store creates tables from it, the write
path validates local edits with it, and sync validates incoming bundles with it, so a value
that would be refused when typed in is refused when it arrives on a USB stick too.

Every replicated table also has two bookkeeping columns that are not listed here:
``_cl`` (causal length: odd means alive, even means archived) and ``_clock`` (per-field
version and timestamp, see ``coopdesk.store``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from coopdesk.base.errors import ValidationError

ColumnKind = Literal[
    "text", "int", "bool", "tags", "ref", "email", "date", "time", "datetime", "choice"
]

# SQLite integers are signed 64-bit; larger Python ints cannot be stored.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# NUL and lone surrogates: SQLite's JSON functions cut text at a NUL, and a lone surrogate
# cannot be encoded as UTF-8. Neither can be typed in; neither may arrive in a bundle.
UNSTORABLE_RE = re.compile("[\x00\ud800-\udfff]")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")
# Dates and times are local wall time, written the one way ISO 8601 sorts as text.
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^\d{2}:\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    label: str
    required: bool = False
    max_len: int = 200
    minimum: int = INT64_MIN
    maximum: int = INT64_MAX
    ref_table: str | None = None
    default: Any = None
    # For "choice": the values allowed, as stored.
    choices: tuple[str, ...] = ()
    # False where two sites writing at once is expected and the merge's deterministic
    # winner is the answer (when a sign-up was made): such rivals are not shown as conflicts.
    conflicts: bool = True

    @property
    def nullable(self) -> bool:
        """Whether a row may hold no value here: optional, and with no default to fall back on."""
        return (
            not self.required
            and self.default is None
            and self.kind in ("ref", "text", "email", "int", "date", "time", "datetime")
        )

    @property
    def sql_type(self) -> str:
        return "INTEGER" if self.kind in ("int", "bool") else "TEXT"


@dataclass(frozen=True)
class TableSpec:
    """A replicated table: ``record`` rows merge per field; ``ledger`` rows never change.

    A ledger row (a stock movement, a use of a mandate) is only ever inserted: the store
    refuses to update or archive it, and sync refuses a bundle that tries. Corrections are
    new rows.
    """

    name: str
    noun: str
    label_column: str
    columns: tuple[Column, ...]
    kind: Literal["record", "ledger"] = "record"
    column_by_name: dict[str, Column] = field(init=False, repr=False, compare=False)
    column_names: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_by_name", {c.name: c for c in self.columns})
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))


TABLES: dict[str, TableSpec] = {}


def register(spec: TableSpec) -> TableSpec:
    """Add a replicated table. Later features register theirs; order is dependency order."""
    TABLES[spec.name] = spec
    return spec


COOP = register(
    TableSpec(
        name="coop",
        noun="coop",
        label_column="name",
        columns=(
            Column("name", "text", "Coop name", required=True, max_len=120),
            Column("encrypt_bundles", "bool", "Encrypt sync bundles", default=1),
        ),
    )
)

SITE = register(
    TableSpec(
        name="site",
        noun="site",
        label_column="name",
        columns=(
            Column("name", "text", "Site name", required=True, max_len=120),
            # Set when a computer restored from a backup took a new identity: the old one
            # makes no more changes, so no bundle needs to wait for it.
            Column("replaced_by", "ref", "Replaced by", ref_table="site"),
        ),
    )
)

MEMBER = register(
    TableSpec(
        name="member",
        noun="member",
        label_column="name",
        columns=(
            Column("name", "text", "Name", required=True, max_len=120),
            Column("email", "email", "Email", max_len=200, default=""),
            Column("phone", "text", "Phone", max_len=40, default=""),
            Column("skills", "tags", "Skills", max_len=1000, default="[]"),
            Column("home_site_id", "ref", "Home site", ref_table="site"),
            Column("notes", "text", "Notes", max_len=2000, default=""),
        ),
    )
)


# -- shifts (issue 4) ---------------------------------------------------------------------------

ATTENDANCE = ("pending", "attended", "no-show", "excused")

# The coop's duty rule and the window's idle lock are settings of the coop: plain data that
# syncs, never code. Registered here as extra columns of the coop table.
COOP = register(
    TableSpec(
        name="coop",
        noun="coop",
        label_column="name",
        columns=(
            *COOP.columns,
            # Shift duty: every member owes duty_minutes of shifts per duty_period_days,
            # counted from duty_from (no date: no duty rule).
            Column(
                "duty_minutes", "int", "Shift minutes owed", minimum=0, maximum=100_000, default=180
            ),
            Column(
                "duty_period_days", "int", "Duty period (days)", minimum=1, maximum=366, default=28
            ),
            Column("duty_from", "date", "Duty counted from"),
            # A shared computer returns to the member picker after this many idle minutes.
            Column(
                "idle_minutes",
                "int",
                "Idle minutes before locking",
                minimum=1,
                maximum=480,
                default=15,
            ),
        ),
    )
)

SHIFT_TYPE = register(
    TableSpec(
        name="shift_type",
        noun="shift type",
        label_column="title",
        columns=(
            Column("title", "text", "Title", required=True, max_len=120),
            Column("description", "text", "Description", max_len=2000, default=""),
            Column("site_id", "ref", "Site", ref_table="site"),
            Column("skills", "tags", "Skills needed", max_len=1000, default="[]"),
            Column("capacity", "int", "People needed", minimum=1, maximum=1000, default=2),
            Column(
                "duration_minutes",
                "int",
                "Duration (minutes)",
                minimum=5,
                maximum=1440,
                default=180,
            ),
        ),
    )
)

SHIFT_TEMPLATE = register(
    TableSpec(
        name="shift_template",
        noun="shift template",
        label_column="title",
        columns=(
            Column("title", "text", "Title", required=True, max_len=120),
            Column("shift_type_id", "ref", "Shift type", ref_table="shift_type"),
            Column("site_id", "ref", "Site", ref_table="site"),
            Column("description", "text", "Description", max_len=2000, default=""),
            Column("skills", "tags", "Skills needed", max_len=1000, default="[]"),
            Column("capacity", "int", "People needed", minimum=1, maximum=1000, default=2),
            # Monday is 0, as in Python's date.weekday().
            Column("weekday", "int", "Day of the week", required=True, minimum=0, maximum=6),
            Column("start_time", "time", "Starts at", required=True),
            Column(
                "duration_minutes",
                "int",
                "Duration (minutes)",
                minimum=5,
                maximum=1440,
                default=180,
            ),
            # An N-week cycle (the supermarket coops' ABCD is 4): the template runs in week
            # cycle_week (0 = A) of every cycle, cycles counted from the Monday of cycle_start.
            Column("cycle_weeks", "int", "Cycle length (weeks)", minimum=1, maximum=12, default=1),
            Column("cycle_week", "int", "Week of the cycle", minimum=0, maximum=11, default=0),
            Column("cycle_start", "date", "Cycle starts", required=True),
            Column("until", "date", "Runs until"),
        ),
    )
)

SHIFT = register(
    TableSpec(
        name="shift",
        noun="shift",
        label_column="title",
        columns=(
            Column("title", "text", "Title", required=True, max_len=120),
            Column("description", "text", "Description", max_len=2000, default=""),
            Column("site_id", "ref", "Site", ref_table="site"),
            Column("shift_type_id", "ref", "Shift type", ref_table="shift_type"),
            # Set for shifts generated from a template; their id derives from template and
            # date, so two sites generating the same weeks make the same rows.
            Column("template_id", "ref", "Template", ref_table="shift_template"),
            Column("starts_at", "datetime", "Starts", required=True),
            Column("ends_at", "datetime", "Ends", required=True),
            Column("capacity", "int", "People needed", minimum=1, maximum=1000, default=2),
            Column("skills", "tags", "Skills needed", max_len=1000, default="[]"),
            Column("notes", "text", "Notes", max_len=2000, default=""),
        ),
    )
)

STANDING_SLOT = register(
    TableSpec(
        name="standing_slot",
        noun="standing slot",
        label_column="since",
        columns=(
            # The id derives from template and member: one standing slot per pair.
            Column("template_id", "ref", "Template", required=True, ref_table="shift_template"),
            Column("member_id", "ref", "Member", required=True, ref_table="member"),
            Column("since", "date", "Since", required=True),
            Column("until", "date", "Until"),
        ),
    )
)

SHIFT_SIGNUP = register(
    TableSpec(
        name="shift_signup",
        noun="sign-up",
        label_column="signed_up_at",
        columns=(
            # The id derives from shift and member, so signing up at two sites is one row.
            # Cancelling archives it; signing up again restores it.
            Column("shift_id", "ref", "Shift", required=True, ref_table="shift"),
            Column("member_id", "ref", "Member", required=True, ref_table="member"),
            # Who is confirmed when a shift is overbooked: first by these two, then member.
            Column("signed_up_at", "datetime", "Signed up", required=True, conflicts=False),
            Column("site_id", "ref", "Signed up at", ref_table="site", conflicts=False),
            Column("attendance", "choice", "Attendance", choices=ATTENDANCE, default="pending"),
            Column("makeup", "bool", "Make-up shift", default=0),
            Column("swap_wanted", "bool", "Looking for a swap", default=0),
            Column("taken_over_from", "ref", "Took over from", ref_table="member"),
            Column("note", "text", "Note", max_len=500, default=""),
        ),
    )
)

LEAVE = register(
    TableSpec(
        name="leave",
        noun="leave",
        label_column="reason",
        columns=(
            # A period with no duty: no shifts owed, and rotations skip the member.
            Column("member_id", "ref", "Member", required=True, ref_table="member"),
            Column("starts_on", "date", "From", required=True),
            Column("ends_on", "date", "Until", required=True),
            Column("reason", "text", "Reason", max_len=200, default=""),
        ),
    )
)

# -- roles, chores and tasks (issue 5) ---------------------------------------------------------

ROTATION_POLICIES = ("round-robin", "least-recent", "fewest-terms")
CHORE_STRATEGIES = (*ROTATION_POLICIES, "least-done")
# What a role may carry: actions that need a mandate (see coopdesk.mandates).
MANDATE_ACTIONS = ("members", "roles", "conflicts", "stock", "settings")
TASK_STATUSES = ("todo", "doing", "done")

MEMBER = register(
    TableSpec(
        name="member",
        noun="member",
        label_column="name",
        columns=(
            *MEMBER.columns,
            # scrypt$N$r$p$salt$hash, or empty: no PIN (see coopdesk.pins).
            Column("pin_hash", "text", "PIN", max_len=300, default=""),
        ),
    )
)

ROLE = register(
    TableSpec(
        name="role",
        noun="role",
        label_column="name",
        columns=(
            Column("name", "text", "Name", required=True, max_len=120),
            Column("description", "text", "Description", max_len=2000, default=""),
            Column("term_days", "int", "Term (days)", minimum=1, maximum=366, default=28),
            Column("holders", "int", "Holders at once", minimum=1, maximum=20, default=1),
            Column(
                "policy", "choice", "Rotation", choices=ROTATION_POLICIES, default="round-robin"
            ),
            # Empty: the members who opted in (role_member rows). A skill: every active
            # member with that skill.
            Column("skill", "text", "Eligible skill", max_len=100, default=""),
            Column("starts_on", "date", "First term starts", required=True),
            Column("plan_terms", "int", "Terms planned ahead", minimum=1, maximum=104, default=12),
            Column("mandates", "tags", "Mandates", max_len=500, default="[]"),
        ),
    )
)

ROLE_MEMBER = register(
    TableSpec(
        name="role_member",
        noun="role member",
        label_column="member_id",
        columns=(
            # The id derives from role and member; opting out archives the row.
            Column("role_id", "ref", "Role", required=True, ref_table="role"),
            Column("member_id", "ref", "Member", required=True, ref_table="member"),
            # Round-robin order; ties by member id.
            Column("position", "int", "Order", minimum=0, maximum=1_000_000, default=0),
        ),
    )
)

ROLE_TERM = register(
    TableSpec(
        name="role_term",
        noun="term",
        label_column="starts_on",
        columns=(
            # Written only when a term has something of its own: the id derives from role
            # and start date, so two sites never create two different futures.
            Column("role_id", "ref", "Role", required=True, ref_table="role"),
            Column("starts_on", "date", "Starts", required=True),
            # Member ids; empty means "as the rotation computes". A swap is an override.
            Column("holders_override", "tags", "Holders (override)", max_len=1000, default="[]"),
            Column("handover_notes", "text", "Handover notes", max_len=5000, default=""),
        ),
    )
)

CHORE = register(
    TableSpec(
        name="chore",
        noun="chore",
        label_column="title",
        columns=(
            Column("title", "text", "Title", required=True, max_len=120),
            Column("notes", "text", "Notes", max_len=2000, default=""),
            Column("every_days", "int", "Every (days)", minimum=1, maximum=366, default=7),
            Column(
                "strategy", "choice", "Assigned by", choices=CHORE_STRATEGIES, default="least-done"
            ),
            Column("member_ids", "tags", "Who takes turns", max_len=5000, default="[]"),
            Column("site_id", "ref", "Site", ref_table="site"),
            Column("role_id", "ref", "Role responsible", ref_table="role"),
            Column("starts_on", "date", "First due", required=True),
        ),
    )
)

TASK = register(
    TableSpec(
        name="task",
        noun="task",
        label_column="title",
        columns=(
            Column("title", "text", "Title", required=True, max_len=200),
            Column("notes", "text", "Notes", max_len=5000, default=""),
            Column("status", "choice", "Status", choices=TASK_STATUSES, default="todo"),
            Column("assignee_id", "ref", "Assignee", ref_table="member"),
            Column("due_on", "date", "Due"),
            # 0 low, 1 normal, 2 high, 3 urgent.
            Column("priority", "int", "Priority", minimum=0, maximum=3, default=1),
            Column("site_id", "ref", "Site", ref_table="site"),
            Column("role_id", "ref", "Role responsible", ref_table="role"),
            # A chore's occurrence: its id derives from chore and due date.
            Column("chore_id", "ref", "Chore", ref_table="chore"),
            Column("done_at", "datetime", "Done"),
            Column("done_by", "ref", "Done by", ref_table="member"),
        ),
    )
)

MANDATE_USE = register(
    TableSpec(
        name="mandate_use",
        noun="use of a mandate",
        label_column="action",
        kind="ledger",
        columns=(
            Column("member_id", "ref", "Member", required=True, ref_table="member"),
            Column("role_id", "ref", "Role", ref_table="role"),
            Column("action", "choice", "Action", choices=MANDATE_ACTIONS, default="members"),
            Column("detail", "text", "What", max_len=500, default=""),
            Column("used_at", "datetime", "When", required=True),
        ),
    )
)

# -- inventory (issue 6) -----------------------------------------------------------------------

MOVE_REASONS = (
    "received",
    "used",
    "given",
    "spoiled",
    "correction",
    "transfer-out",
    "transfer-in",
    "transit-loss",
)

ITEM = register(
    TableSpec(
        name="item",
        noun="item",
        label_column="name",
        columns=(
            Column("name", "text", "Name", required=True, max_len=120),
            Column("category", "text", "Category", max_len=60, default=""),
            Column("unit", "text", "Unit", required=True, max_len=20),
            # Quantities are integers of 10**-decimals units: 2.5 kg is 2500 at 3 decimals.
            Column("decimals", "int", "Decimals", minimum=0, maximum=3, default=0),
            Column("barcode", "text", "Barcode", max_len=64, default=""),
            # The minimum at every site, unless item_minimum says otherwise for a site.
            Column("minimum", "int", "Minimum", minimum=0, default=0),
            Column("notes", "text", "Notes", max_len=2000, default=""),
        ),
    )
)

ITEM_MINIMUM = register(
    TableSpec(
        name="item_minimum",
        noun="minimum level",
        label_column="minimum",
        columns=(
            # The id derives from item and site.
            Column("item_id", "ref", "Item", required=True, ref_table="item"),
            Column("site_id", "ref", "Site", required=True, ref_table="site"),
            Column("minimum", "int", "Minimum", minimum=0, default=0),
        ),
    )
)

TRANSFER = register(
    TableSpec(
        name="transfer",
        noun="transfer",
        label_column="sent_at",
        columns=(
            Column("item_id", "ref", "Item", required=True, ref_table="item"),
            Column("from_site_id", "ref", "From", required=True, ref_table="site"),
            Column("to_site_id", "ref", "To", required=True, ref_table="site"),
            Column("quantity", "int", "Quantity sent", required=True, minimum=1),
            Column("sent_at", "datetime", "Sent", required=True),
            Column("note", "text", "Note", max_len=500, default=""),
            # Set by the receiving site; a difference is recorded as a loss in transit.
            Column("received_quantity", "int", "Quantity received", minimum=0),
            Column("received_at", "datetime", "Received"),
            Column("received_by", "ref", "Received by", ref_table="member"),
        ),
    )
)

STOCKTAKE = register(
    TableSpec(
        name="stocktake",
        noun="stocktake",
        label_column="started_at",
        columns=(
            Column("site_id", "ref", "Site", required=True, ref_table="site"),
            Column("started_at", "datetime", "Started", required=True),
            Column("finished_at", "datetime", "Finished"),
            Column("note", "text", "Note", max_len=500, default=""),
        ),
    )
)

STOCK_MOVE = register(
    TableSpec(
        name="stock_move",
        noun="stock movement",
        label_column="reason",
        kind="ledger",
        columns=(
            Column("item_id", "ref", "Item", required=True, ref_table="item"),
            Column("site_id", "ref", "Site", required=True, ref_table="site"),
            # Signed, in the item's smallest unit: what arrived is positive.
            Column("delta", "int", "Quantity", required=True),
            Column("reason", "choice", "Reason", choices=MOVE_REASONS, default="received"),
            Column("note", "text", "Note", max_len=500, default=""),
            Column("transfer_id", "ref", "Transfer", ref_table="transfer"),
            Column("stocktake_id", "ref", "Stocktake", ref_table="stocktake"),
            Column("moved_at", "datetime", "When", required=True),
        ),
    )
)


def spec_for(table: str) -> TableSpec:
    try:
        return TABLES[table]
    except KeyError:
        raise ValidationError(f"There is no table called {table!r}.") from None


def normalize_tags(value: Any) -> str:
    """Free tags as canonical JSON text: trimmed, no duplicates (ignoring case), sorted."""
    if isinstance(value, str):
        stripped = value.strip()
        items = json.loads(stripped) if stripped.startswith("[") else stripped.split(",")
    else:
        items = list(value or [])
    seen: dict[str, str] = {}
    for item in items:
        if not isinstance(item, str):
            raise ValidationError("Tags must be words or short phrases.")
        tag = " ".join(item.split())
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return json.dumps(sorted(seen.values(), key=str.casefold), ensure_ascii=False)


def tags_list(stored: str | None) -> list[str]:
    return json.loads(stored) if stored else []


def normalize_value(column: Column, value: Any) -> Any:
    """Check one value typed in locally and return it in its stored form."""
    label = column.label
    if value is None or (isinstance(value, str) and not value.strip() and column.kind != "tags"):
        if column.required:
            raise ValidationError(f"{label} is required.")
        if column.kind == "ref":
            return None
        return column.default if column.default is not None else None
    if column.kind in ("text", "email"):
        if not isinstance(value, str):
            raise ValidationError(f"{label} must be text.")
        text = value.strip()
        if UNSTORABLE_RE.search(text):
            raise ValidationError(f"{label} contains a character that cannot be stored.")
        if len(text) > column.max_len:
            raise ValidationError(f"{label} is too long (at most {column.max_len} characters).")
        if column.kind == "email" and not EMAIL_RE.match(text):
            raise ValidationError(f"{label} {text!r} does not look like an email address.")
        return text
    if column.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                value = int(str(value).strip())
            except ValueError:
                raise ValidationError(f"{label} must be a whole number.") from None
        if not column.minimum <= value <= column.maximum:
            raise ValidationError(f"{label} must be between {column.minimum} and {column.maximum}.")
        return value
    if column.kind == "bool":
        return 1 if value else 0
    if column.kind == "tags":
        tags = normalize_tags(value)
        if len(tags) > column.max_len:
            raise ValidationError(f"{label}: too many tags (at most {column.max_len} characters).")
        return tags
    if column.kind == "ref":
        if not isinstance(value, str) or not UUID_RE.match(value):
            raise ValidationError(f"{label} must name an existing {column.ref_table}.")
        return value
    if column.kind == "choice":
        text = str(value).strip().lower()
        if text not in column.choices:
            raise ValidationError(f"{label} must be one of: {', '.join(column.choices)}.")
        return text
    if column.kind in ("date", "time", "datetime"):
        return normalize_when(column, value)
    raise AssertionError(f"unknown column kind {column.kind}")


def parse_date(value: Any, label: str = "Date") -> dt.date:
    """A date given as a date, a datetime or ISO text ("2026-12-01", or with a time after it)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValidationError(
            f"{label} {value!r} is not a valid date (write it like 2026-12-01)."
        ) from None


def normalize_when(column: Column, value: Any) -> str:
    """A date ("2026-12-01"), time ("18:00") or date and time, in its one stored form."""
    label = column.label
    try:
        if column.kind == "date":
            if isinstance(value, dt.datetime):
                value = value.date()
            if not isinstance(value, dt.date):
                value = dt.date.fromisoformat(str(value).strip())
            return _iso("date", value)
        if column.kind == "time":
            if not isinstance(value, dt.time):
                text = str(value).strip()
                value = dt.time.fromisoformat(text.zfill(5) if len(text) == 4 else text)
            return _iso("time", value)
        if not isinstance(value, dt.datetime):
            if isinstance(value, dt.date):
                value = dt.datetime.combine(value, dt.time())
            else:
                value = dt.datetime.fromisoformat(str(value).strip())
        if value.tzinfo is not None:
            value = value.astimezone().replace(tzinfo=None)
        return _iso("datetime", value.replace(microsecond=0))
    except (ValueError, TypeError):
        example = {"date": "2026-12-01", "time": "18:00", "datetime": "2026-12-01T18:00"}
        raise ValidationError(
            f"{label} {value!r} is not a valid {column.kind.replace('datetime', 'date and time')}"
            f" (write it like {example[column.kind]})."
        ) from None


def normalize_fields(spec: TableSpec, fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate the fields of an insert (``partial=False``) or an update and normalise them."""
    unknown = set(fields) - set(spec.column_by_name)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ValidationError(f"A {spec.noun} has no field called {names}.")
    result: dict[str, Any] = {}
    for column in spec.columns:
        if column.name in fields:
            result[column.name] = normalize_value(column, fields[column.name])
        elif not partial:
            result[column.name] = normalize_value(column, None)
    return result


def stored_value_ok(column: Column, value: Any) -> bool:
    """Whether a value that arrived from another site is of the right type and in range.

    This is the rule sync applies (in SQL, see ``coopdesk.sync.merge.validate_fields``) to every
    incoming value; ``tests/test_schema.py`` checks that the two agree.
    """
    if value is None:
        return column.nullable
    if column.kind in ("text", "email"):
        return (
            isinstance(value, str)
            and len(value) <= column.max_len
            and not UNSTORABLE_RE.search(value)
            and (not column.required or value.strip(" ") != "")
        )
    if column.kind in ("int", "bool"):
        if type(value) is not int:
            return False
        if column.kind == "bool":
            return value in (0, 1)
        return column.minimum <= value <= column.maximum
    if column.kind == "tags":
        if not isinstance(value, str) or len(value) > column.max_len:
            return False
        try:
            items = json.loads(value)
        except ValueError:
            return False
        return isinstance(items, list) and all(
            isinstance(item, str) and not UNSTORABLE_RE.search(item) for item in items
        )
    if column.kind == "ref":
        return isinstance(value, str) and bool(UUID_RE.match(value))
    if column.kind == "choice":
        return isinstance(value, str) and value in column.choices
    if column.kind in ("date", "time", "datetime"):
        return isinstance(value, str) and _when_ok(column.kind, value)
    return False


def _when_ok(kind: str, value: str) -> bool:
    pattern = {"date": DATE_RE, "time": TIME_RE, "datetime": DATETIME_RE}[kind]
    if not pattern.match(value):
        return False
    try:
        return _iso(kind, value) == value
    except ValueError:
        return False


def _iso(kind: str, value: Any) -> str:
    """The stored text of a date, time or datetime (isoformat pads years below 1000)."""
    if kind == "date":
        return (value if isinstance(value, dt.date) else dt.date.fromisoformat(value)).isoformat()
    if kind == "time":
        moment = value if isinstance(value, dt.time) else dt.time.fromisoformat(value)
        return moment.isoformat(timespec="minutes")
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return moment.isoformat(timespec="seconds")

"""The replicated tables: their columns, the kind of value each holds, and its limits.

This is the one description of replicated data. The store creates tables from it, the write
path validates local edits with it, and sync validates incoming bundles with it, so a value
that would be refused when typed in is refused when it arrives on a USB stick too.

Every replicated table also has two bookkeeping columns that are not listed here:
``_cl`` (causal length: odd means alive, even means archived) and ``_clock`` (per-field
version and timestamp, see ``coopdesk.store``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from coopdesk.errors import ValidationError

ColumnKind = Literal["text", "int", "bool", "tags", "ref", "email"]

# SQLite integers are signed 64-bit; larger Python ints cannot be stored.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# NUL and lone surrogates: SQLite's JSON functions cut text at a NUL, and a lone surrogate
# cannot be encoded as UTF-8. Neither can be typed in; neither may arrive in a bundle.
UNSTORABLE_RE = re.compile("[\x00\ud800-\udfff]")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")


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

    @property
    def sql_type(self) -> str:
        return "INTEGER" if self.kind in ("int", "bool") else "TEXT"


@dataclass(frozen=True)
class TableSpec:
    """A replicated table: ``record`` rows merge per field; ``ledger`` rows never change."""

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
    raise AssertionError(f"unknown column kind {column.kind}")


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

    This is the rule sync applies (in SQL, see ``coopdesk.merge.validate_fields``) to every
    incoming value; ``tests/test_schema.py`` checks that the two agree.
    """
    if value is None:
        return not column.required and column.kind in ("ref", "text", "email", "int")
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
    return False

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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from coopdesk.base.errors import ValidationError
from coopdesk.base.feature import all_features
from coopdesk.base.i18n import N_, _

ColumnKind = Literal[
    "text", "int", "bool", "tags", "ref", "email", "date", "time", "datetime", "choice"
]

# SQLite integers are signed 64-bit; larger Python ints cannot be stored.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# NUL and lone surrogates: SQLite's JSON functions cut text at a NUL, and a lone surrogate
# cannot be encoded as UTF-8. Neither can be typed in; neither may arrive in a bundle.
UNSTORABLE_RE = re.compile("[\x00\ud800-\udfff]")
# \Z, not $: "$" also matches before a final newline, which an id must not end with.
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")
# Dates and times are local wall time, written the one way ISO 8601 sorts as text.
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^\d{2}:\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
# What core functions accept for a date, or a date and time: values or ISO text.
DateLike = dt.date | str
DateTimeLike = dt.datetime | dt.date | str


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
    # Rows no person writes: only a site's ballot box (``coopdesk.store.transaction.URN``)
    # inserts them, and it inserts nothing else, so no member's id is logged with a secret
    # ballot (docs/decisions.md). Such a table is also a ledger: its rows never change.
    anonymous: bool = False
    # "uses of a mandate": when adding an "s" to ``noun`` would not do.
    plural_noun: str = ""
    # The noun for a count by the language's plural rule ("3 members", Arabic's six forms):
    # ``lambda n: ngettext("member", "members", n)``, declared with the table so
    # ``make translations`` finds both forms.
    counted: Callable[[int], str] | None = field(default=None, compare=False, repr=False)
    # How the Activity page says a change of this table, when the generic "changed sign-up
    # 2026-10-05T00:00:00 (looking for a swap)" says it badly: ``phrase(store, op, row_id,
    # fields, author_id)`` returns "asked for a swap: Shop opening, Sat 5 Dec", or None.
    phrase: Callable[[Any, str, str, dict[str, Any], str], str | None] | None = field(
        default=None, compare=False, repr=False
    )
    # The words for a label column that holds codes (a stance's "consent"): Activity shows
    # "added stance Consent" in the member's language, not the stored code.
    label_words: Mapping[str, str] | None = field(default=None, compare=False, repr=False)
    # Columns earlier versions replicated and this one no longer does (``member.pin_hash``):
    # a change that carries one (an old site's history, or a hostile site) is still accepted
    # if the value keeps the column's old rule, and stored without it: never applied to a
    # row, never dumped, never typed (nothing writes it).
    retired: tuple[Column, ...] = ()
    column_by_name: dict[str, Column] = field(init=False, repr=False, compare=False)
    column_names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    retired_names: frozenset[str] = field(init=False, repr=False, compare=False)

    def nouns(self, count: int) -> str:
        """The noun for ``count`` rows, in the current language: "sign-up" (1), "uses of a
        mandate" (3)."""
        if self.counted is not None:
            return self.counted(count)
        if count == 1:
            return _(self.noun)
        return _(self.plural_noun) if self.plural_noun else f"{_(self.noun)}s"

    def __post_init__(self) -> None:
        if self.anonymous and self.kind != "ledger":
            raise AssertionError(f"anonymous table {self.name} must be a ledger")
        object.__setattr__(self, "column_by_name", {c.name: c for c in self.columns})
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))
        object.__setattr__(self, "retired_names", frozenset(c.name for c in self.retired))


class _Tables(Mapping[str, TableSpec]):
    """Every replicated table by name, in dependency order: the features' tables.

    Filled on first use from ``coopdesk.features`` (each feature names its own tables), so
    the store never imports a feature and no feature registers anything by side effect.
    """

    def __init__(self) -> None:
        self._specs: dict[str, TableSpec] | None = None

    def _all(self) -> dict[str, TableSpec]:
        if self._specs is None:
            specs: dict[str, TableSpec] = {}
            for feature in all_features():
                for spec in feature.tables:
                    if spec.name in specs:
                        raise AssertionError(f"table {spec.name} is declared twice")
                    specs[spec.name] = spec
            self._specs = specs
        return self._specs

    def __getitem__(self, name: str) -> TableSpec:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


TABLES: Mapping[str, TableSpec] = _Tables()


def spec_for(table: str) -> TableSpec:
    try:
        return TABLES[table]
    except KeyError:
        raise ValidationError(
            _("There is no table called {table!r}.").format(table=table)
        ) from None


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
            raise ValidationError(_("Tags must be words or short phrases."))
        tag = " ".join(item.split())
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return json.dumps(sorted(seen.values(), key=str.casefold), ensure_ascii=False)


def tags_list(stored: str | None) -> list[str]:
    return json.loads(stored) if stored else []


def normalize_value(column: Column, value: Any) -> Any:
    """Check one value typed in locally and return it in its stored form.

    A refusal names the column's label as its ``field`` (for the form to focus)."""
    try:
        return _normalized(column, value)
    except ValidationError as refused:
        if refused.field is None:
            refused.field = column.label
        raise


def _normalized(column: Column, value: Any) -> Any:
    label = _(column.label)
    if value is None or (isinstance(value, str) and not value.strip() and column.kind != "tags"):
        if column.required:
            raise ValidationError(_("{label} is required.").format(label=label))
        if column.kind == "ref":
            return None
        return column.default if column.default is not None else None
    if column.kind in ("text", "email"):
        if not isinstance(value, str):
            raise ValidationError(_("{label} must be text.").format(label=label))
        text = value.strip()
        if UNSTORABLE_RE.search(text):
            raise ValidationError(
                _("{label} contains a character that cannot be stored.").format(label=label)
            )
        if len(text) > column.max_len:
            raise ValidationError(
                _("{label} is too long (at most {max_len} characters).").format(
                    label=label, max_len=column.max_len
                )
            )
        if column.kind == "email" and not EMAIL_RE.match(text):
            raise ValidationError(
                _("{label} {text!r} does not look like an email address.").format(
                    label=label, text=text
                )
            )
        return text
    if column.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                value = int(str(value).strip())
            except ValueError:
                raise ValidationError(
                    _("{label} must be a whole number.").format(label=label)
                ) from None
        if not column.minimum <= value <= column.maximum:
            raise ValidationError(
                _("{label} must be between {minimum} and {maximum}.").format(
                    label=label, minimum=column.minimum, maximum=column.maximum
                )
            )
        return value
    if column.kind == "bool":
        return 1 if value else 0
    if column.kind == "tags":
        tags = normalize_tags(value)
        if len(tags) > column.max_len:
            raise ValidationError(
                _("{label}: too many tags (at most {max_len} characters).").format(
                    label=label, max_len=column.max_len
                )
            )
        return tags
    if column.kind == "ref":
        if not isinstance(value, str) or not UUID_RE.match(value):
            raise ValidationError(
                _("{label} must name an existing {noun}.").format(
                    label=label,
                    noun=_(TABLES[column.ref_table].noun)
                    if column.ref_table in TABLES
                    else column.ref_table,
                )
            )
        return value
    if column.kind == "choice":
        text = str(value).strip().lower()
        if text not in column.choices:
            raise ValidationError(
                _("{label} must be one of: {choices}.").format(
                    label=label, choices=", ".join(column.choices)
                )
            )
        return text
    if column.kind in ("date", "time", "datetime"):
        return normalize_when(column, value)
    raise AssertionError(f"unknown column kind {column.kind}")


def parse_date(value: Any, label: str = N_("Date")) -> dt.date:
    """A date given as a date, a datetime or ISO text ("2026-12-01", or with a time after it)."""
    field, label = label, _(label)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValidationError(
            _("{label} {value!r} is not a valid date (write it like 2026-12-01).").format(
                label=label, value=value
            ),
            field=field,
        ) from None


def datetime_text(value: Any, label: str = N_("Date and time")) -> str:
    """A date and time in its stored form ("2026-12-01T18:00:00"); a date alone means 00:00."""
    return normalize_when(Column("when", "datetime", label), value)


def normalize_when(column: Column, value: Any) -> str:
    """A date ("2026-12-01"), time ("18:00") or date and time, in its one stored form."""
    label = _(column.label)
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
            _("{label} {value!r} is not a valid {kind} (write it like {example}).").format(
                label=label,
                value=value,
                kind={"date": _("date"), "time": _("time"), "datetime": _("date and time")}.get(
                    column.kind, column.kind
                ),
                example=example[column.kind],
            ),
            field=column.label,
        ) from None


def normalize_fields(spec: TableSpec, fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate the fields of an insert (``partial=False``) or an update and normalise them."""
    unknown = set(fields) - set(spec.column_by_name)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ValidationError(
            _("A {noun} has no field called {names}.").format(noun=_(spec.noun), names=names)
        )
    result: dict[str, Any] = {}
    for column in spec.columns:
        if column.name in fields:
            result[column.name] = normalize_value(column, fields[column.name])
        elif not partial:
            result[column.name] = normalize_value(column, None)
    return result


def stored_value_ok(column: Column, value: Any) -> bool:
    """Whether a value that arrived from another site is of the right type and in range.

    This is the rule sync applies (in SQL, see ``coopdesk.store.merging.validate_fields``) to every
    incoming value; ``tests/store/test_schema.py`` checks that the two agree.
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

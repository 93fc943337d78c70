"""Members of the coop: who they are, how to reach them, what they can do.

Plain functions over a ``Store``; the window and the command line both call these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from coopdesk.base.i18n import _, check_language
from coopdesk.store.ids import fold
from coopdesk.store.schema import tags_list
from coopdesk.store.store import Store

MEMBER_COLUMNS = ("id", "name", "email", "phone", "skills", "home_site_id", "notes", "language")
SORT_KEYS = {
    "name": "member.name COLLATE NOCASE",
    "email": "member.email COLLATE NOCASE",
    "phone": "member.phone",
    "skills": "member.skills COLLATE NOCASE",
    "site": "site.name COLLATE NOCASE",
}
Status = Literal["active", "archived", "all"]
# What a search looks at: every field, or the name only (the member picker, names first).
SearchIn = Literal["all", "name"]


def folded_like(column: str) -> str:
    """SQL for ``fold(column) LIKE ?``, taking the (folded) pattern twice, that calls Python's
    ``fold`` only for text that is not plain ASCII.

    A search reads every member on each keystroke, and calling into Python for each field of
    each row was most of its time (three calls a row, 10,000 members: 20 of 28 ms). On ASCII
    text (same length in bytes and in characters) SQLite's own LIKE already ignores case and
    there are no accents to strip, so it matches exactly where ``fold`` would.
    """
    return (
        f"({column} LIKE ? ESCAPE '\\' OR (length(CAST({column} AS BLOB)) != length({column})"
        f" AND fold({column}) LIKE ? ESCAPE '\\'))"
    )


@dataclass(frozen=True)
class MemberQuery:
    """A search over members; the window's list and ``coopdesk member list`` share it."""

    search: str = ""
    status: Status = "active"
    sort: str = "name"
    descending: bool = False
    search_in: SearchIn = "all"

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.status == "active":
            clauses.append("member._cl % 2 = 1")
        elif self.status == "archived":
            clauses.append("member._cl % 2 = 0")
        for word in fold(self.search).split():
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            if self.search_in == "name":
                clauses.append(folded_like("member.name"))
                params.extend([pattern] * 2)
                continue
            clauses.append(
                f"({folded_like('member.name')} OR {folded_like('member.email')}"
                f" OR {folded_like('member.skills')} OR member.phone LIKE ? ESCAPE '\\')"
            )
            params.extend([pattern] * 7)
        return (" AND ".join(clauses) or "1"), params

    def order_by(self) -> str:
        key = SORT_KEYS.get(self.sort, SORT_KEYS["name"])
        direction = "DESC" if self.descending else "ASC"
        return f"{key} {direction}, member.id {direction}"


SELECT_MEMBERS = """
    SELECT member.id, member.name, member.email, member.phone, member.skills,
           member.home_site_id, member.notes, member.language, site.name AS site_name,
           member._cl % 2 = 0 AS archived
    FROM member LEFT JOIN site ON site.id = member.home_site_id
"""


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    row["skills"] = tags_list(row["skills"])
    row["archived"] = bool(row["archived"])
    return row


def member_ids(store: Store, query: MemberQuery) -> list[str]:
    """The ids of matching members, in order: cheap enough to run on every keystroke.

    The search reads every row anyway: reading the table in its own order and sorting what
    matched is about twice as fast as walking the name index and looking each row up
    (``NOT INDEXED``; 10,000 members, whether one or all of them match).
    """
    where, params = query.where()
    sql = (
        "SELECT member.id FROM member NOT INDEXED"
        " LEFT JOIN site ON site.id = member.home_site_id"
        f" WHERE {where} ORDER BY {query.order_by()}"
    )
    return [row[0] for row in store.conn.execute(sql, params)]


def names_first(store: Store, query: MemberQuery) -> tuple[list[str], bool]:
    """Members whose name matches every word typed; only when no name does, those matching
    in their email, phone or skills. Returns the ids and whether they matched by name.

    Choosing who is at the keyboard must not offer Rosa Haddad for "rosa ng" because her
    skill "baking" contains "ng" while Rosa Ng is right there.
    """
    by_name = member_ids(store, replace(query, search_in="name"))
    if by_name or not query.search.strip():
        return by_name, True
    return member_ids(store, replace(query, search_in="all")), False


def matched_elsewhere(member: dict[str, Any], search: str) -> str:
    """Where the words that are not in a member's name were found: "skill baking"."""
    name = fold(member["name"])
    found: list[str] = []
    for word in fold(search).split():
        if word in name:
            continue
        skill = next((s for s in member.get("skills") or () if word in fold(s)), None)
        if skill is not None:
            found.append(_("skill {skill}").format(skill=skill))
        elif word in fold(member.get("email") or ""):
            found.append(_("email {email}").format(email=member["email"]))
        elif word in (member.get("phone") or ""):
            found.append(_("phone {phone}").format(phone=member["phone"]))
    return _(", ").join(dict.fromkeys(found))


def members_by_id(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = store.query(f"{SELECT_MEMBERS} WHERE member.id IN ({marks})", ids)
    return {row["id"]: _decode(row) for row in rows}


def active_members(store: Store) -> list[dict[str, Any]]:
    """Every active member's id, name and skills (a list), by name: for pickers and choices."""
    rows = store.query(
        "SELECT id, name, skills FROM member WHERE _cl % 2 = 1 ORDER BY name COLLATE NOCASE, id"
    )
    for row in rows:
        row["skills"] = tags_list(row["skills"])
    return rows


def member_names(store: Store, ids: Iterable[str]) -> dict[str, str]:
    """Names of these members (archived ones too), by id."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    return {
        row[0]: row[1]
        for row in store.conn.execute(f"SELECT id, name FROM member WHERE id IN ({marks})", wanted)
    }


def list_members(store: Store, query: MemberQuery | None = None) -> list[dict[str, Any]]:
    query = query or MemberQuery()
    where, params = query.where()
    rows = store.query(f"{SELECT_MEMBERS} WHERE {where} ORDER BY {query.order_by()}", params)
    return [_decode(row) for row in rows]


def get_member(store: Store, member_id: str) -> dict[str, Any]:
    store.require("member", member_id)
    return members_by_id(store, [member_id])[member_id]


def find_member(store: Store, id_or_name: str) -> dict[str, Any] | None:
    """A member by id, or by exact name (ignoring case) if exactly one has that name."""
    found = members_by_id(store, [id_or_name])
    if found:
        return found[id_or_name]
    rows = store.query(
        f"{SELECT_MEMBERS} WHERE fold(member.name) = ? AND member._cl % 2 = 1", [fold(id_or_name)]
    )
    return _decode(rows[0]) if len(rows) == 1 else None


def add_member(store: Store, author: str, name: str, **fields: Any) -> str:
    if "language" in fields:
        fields["language"] = check_language(fields["language"])
    with store.transaction(author) as tx:
        tx.use_mandate("members", f"added member {str(name).strip()}")
        return tx.insert("member", {"name": name, **fields})


def update_member(store: Store, author: str, member_id: str, **fields: Any) -> set[str]:
    """Change a member's details: your own freely, anyone else's with the "members" mandate."""
    if "language" in fields:
        fields["language"] = check_language(fields["language"])
    with store.transaction(author) as tx:
        if author != member_id:
            tx.use_mandate("members", f"changed member {_name(store, member_id)}")
        return tx.update("member", member_id, fields)


def archive_member(store: Store, author: str, member_id: str) -> None:
    with store.transaction(author) as tx:
        tx.use_mandate("members", f"archived member {_name(store, member_id)}")
        tx.archive("member", member_id)


def restore_member(store: Store, author: str, member_id: str) -> None:
    with store.transaction(author) as tx:
        tx.use_mandate("members", f"restored member {_name(store, member_id)}")
        tx.restore("member", member_id)


def _name(store: Store, member_id: str) -> str:
    return store.require("member", member_id)["name"]


def count_members(store: Store, status: Status = "active") -> int:
    where, params = MemberQuery(status=status).where()
    return store.conn.execute(f"SELECT count(*) FROM member WHERE {where}", params).fetchone()[0]

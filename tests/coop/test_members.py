"""Members: add, find, sort, edit, archive and restore — the functions the window and CLI share."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from coopdesk.base.errors import NotFoundError, ValidationError
from coopdesk.coop import members
from coopdesk.coop.members import MemberQuery
from coopdesk.store.ids import fold
from coopdesk.store.store import Store


@pytest.fixture
def crew(store: Store, ana: str) -> dict[str, str]:
    return {
        "tomas": members.add_member(
            store, ana, "Tomás Ruiz", email="tomas@example.org", skills="cooking, driving"
        ),
        "li": members.add_member(store, ana, "Li Wei", phone="+1 555 0101", skills=["first aid"]),
        "zoe": members.add_member(store, ana, "zoë Adeyemi", email="zoe@example.org"),
    }


def names(store: Store, query: MemberQuery) -> list[str]:
    return [m["name"] for m in members.list_members(store, query)]


def test_search_ignores_case_and_accents_and_matches_skills_and_email(store: Store, crew):
    assert names(store, MemberQuery(search="tomas")) == ["Tomás Ruiz"]
    assert names(store, MemberQuery(search="ZOE")) == ["zoë Adeyemi"]
    assert names(store, MemberQuery(search="first aid")) == ["Li Wei"]
    assert names(store, MemberQuery(search="example.org")) == ["Tomás Ruiz", "zoë Adeyemi"]
    assert names(store, MemberQuery(search="nobody")) == []


def test_search_treats_wildcards_literally(store: Store, crew):
    assert names(store, MemberQuery(search="%")) == []
    assert names(store, MemberQuery(search="_")) == []


# Names where folding does more than lower-case ASCII: accents precomposed and combining, ß,
# a ligature, the Kelvin sign, a dotted capital I, a letter that keeps its stroke.
TRICKY_NAMES = (
    "Tomás Ruiz",
    "TOMAS RUIZ",
    "Straße Kollektiv",
    "STRASSE Gruppe",
    "\ufb01ona Byrne",
    "Fiona Byrne",
    "zoe\u0308 Adeyemi",
    "ZOË ADEYEMI",
    "\u212aim Lee",
    "İlkay Gündoğan",
    "Ødegaard",
    "Percent 100% under_score back\\slash",
)


def fold_everything(query: MemberQuery) -> tuple[list[str], list[str]]:
    """What the search found when it folded every field of every row in Python."""
    clauses, params = ["member._cl % 2 = 1"], []
    for word in fold(query.search).split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(
            "(fold(member.name) LIKE ? ESCAPE '\\' OR fold(member.email) LIKE ? ESCAPE '\\'"
            " OR fold(member.skills) LIKE ? ESCAPE '\\' OR member.phone LIKE ? ESCAPE '\\')"
        )
        params += [pattern] * 4
    return clauses, params


def test_search_skips_folding_only_where_it_changes_nothing(store: Store, ana: str):
    """ASCII text is matched by SQLite's LIKE alone: the members found are exactly those
    that folding every field finds, whatever is typed."""
    for number, name in enumerate(TRICKY_NAMES):
        members.add_member(
            store,
            ana,
            name,
            email=f"{fold(name).split()[0]}.{number}@example.org" if number % 2 else None,
            skills=["cuisine française", "Forklift"] if number % 3 else [],
            phone=f"+1 555 {number:04d}" if number % 4 == 0 else None,
        )
    letters = sorted(set("".join(TRICKY_NAMES) + "françaisexample.org+15 "))

    @hypothesis_settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=letters, min_size=1, max_size=5))
    def finds_the_same(search: str) -> None:
        clauses, params = fold_everything(MemberQuery(search=search))
        expected = {
            row[0]
            for row in store.conn.execute(
                f"SELECT id FROM member WHERE {' AND '.join(clauses)}", params
            )
        }
        assert set(members.member_ids(store, MemberQuery(search=search))) == expected
        by_name = {
            member_id
            for member_id in expected
            if all(
                word in fold(store.get("member", member_id)["name"])
                for word in fold(search).split()
            )
        }
        found = members.member_ids(store, MemberQuery(search=search, search_in="name"))
        assert set(found) == by_name

    finds_the_same()
    assert len(members.member_ids(store, MemberQuery(search="tomas"))) == 2
    assert len(members.member_ids(store, MemberQuery(search="strasse"))) == 2
    assert len(members.member_ids(store, MemberQuery(search="fiona"))) == 2
    assert len(members.member_ids(store, MemberQuery(search="zoë"))) == 2
    assert len(members.member_ids(store, MemberQuery(search="kim"))) == 1


def test_sorting_is_case_insensitive_and_reversible(store: Store, crew):
    assert names(store, MemberQuery()) == ["Ana", "Li Wei", "Tomás Ruiz", "zoë Adeyemi"]
    assert names(store, MemberQuery(descending=True)) == [
        "zoë Adeyemi",
        "Tomás Ruiz",
        "Li Wei",
        "Ana",
    ]
    ids = members.member_ids(store, MemberQuery(sort="email"))
    assert len(ids) == 4


def test_skills_are_free_tags_without_duplicates(store: Store, ana: str):
    member_id = members.add_member(store, ana, "Bea", skills="Baking, baking , ,IT")
    assert members.get_member(store, member_id)["skills"] == ["Baking", "IT"]


def test_edit_reports_what_changed(store: Store, ana: str, crew):
    changed = members.update_member(store, ana, crew["li"], phone="+1 555 0102", name="Li Wei")
    assert changed == {"phone"}
    assert members.get_member(store, crew["li"])["phone"] == "+1 555 0102"


def test_invalid_input_is_refused_with_a_clear_message(store: Store, ana: str):
    with pytest.raises(ValidationError, match="Name is required"):
        members.add_member(store, ana, "   ")
    with pytest.raises(ValidationError, match="email"):
        members.add_member(store, ana, "Bea", email="bea at example")
    with pytest.raises(ValidationError, match="too long"):
        members.add_member(store, ana, "B" * 500)
    with pytest.raises(ValidationError, match="no field"):
        members.add_member(store, ana, "Bea", shoe_size=42)
    assert members.count_members(store) == 1


def test_archived_members_leave_the_active_list_and_can_come_back(store: Store, ana, crew):
    members.archive_member(store, ana, crew["tomas"])
    assert "Tomás Ruiz" not in names(store, MemberQuery())
    assert names(store, MemberQuery(status="archived")) == ["Tomás Ruiz"]
    assert len(names(store, MemberQuery(status="all"))) == 4
    members.restore_member(store, ana, crew["tomas"])
    assert "Tomás Ruiz" in names(store, MemberQuery())


def test_unknown_member_ids_are_reported(store: Store, ana: str):
    with pytest.raises(NotFoundError):
        members.archive_member(store, ana, "00000000-0000-4000-8000-000000000000")
    with pytest.raises(NotFoundError):
        members.get_member(store, "nope")


def test_find_member_by_id_or_unique_name(store: Store, ana: str, crew):
    assert members.find_member(store, crew["li"])["name"] == "Li Wei"
    assert members.find_member(store, "li wei")["id"] == crew["li"]
    members.add_member(store, ana, "Li Wei")
    assert members.find_member(store, "Li Wei") is None  # ambiguous

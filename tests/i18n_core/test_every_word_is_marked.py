"""Every word CoopDesk shows is marked for translation (issue 19), found by an AST walk
(tests/i18n_core/scan.py). What the walk finds and is not to be translated is listed here,
each with its reason; a listed literal that is gone from the code fails too, so the list
stays the true one."""

from __future__ import annotations

from tests.i18n_core.scan import unmarked_words

STORED = "kept in the store and synced to every site: written in English, read in any"
HELD = "why a change was held aside: stored with it and synced (coopdesk.store.merging)"
PROGRAMMER = "a programmer's error (a bug or a wrong declaration), never a person's"
DEMO = "the demo coop's own data, written once into its store"
CI = "``coopdesk self-test`` reports to CI logs, read by programmers"
SQL_OR_JSON = "SQL or JSON text, not words"
ENGLISH_PATH = "the source language's own path; the other languages go through _()"
KEY = "a key matched by its prefix (the reason of an automatic backup)"

ALLOWED: dict[tuple[str, str], str] = {
    ("coopdesk/base/feature.py", "more than one feature decides who may act: "): PROGRAMMER,
    ("coopdesk/base/feature.py", "module  has no attribute "): PROGRAMMER,
    ("coopdesk/base/periods.py", "unknown bucket "): PROGRAMMER,
    ("coopdesk/coop/coop.py", "added the site "): STORED,
    ("coopdesk/coop/members.py", " , member.id "): SQL_OR_JSON,
    ("coopdesk/coop/members.py", "added member "): STORED,
    ("coopdesk/coop/members.py", "changed member "): STORED,
    ("coopdesk/coop/members.py", "archived member "): STORED,
    ("coopdesk/coop/members.py", "restored member "): STORED,
    ("coopdesk/coop/pins.py", " the PIN of member "): STORED,
    ("coopdesk/decisions/decisions.py", "NOT "): SQL_OR_JSON,
    ("coopdesk/decisions/decisions.py", "amended “”"): STORED,
    ("coopdesk/decisions/decisions.py", "withdrew “”"): STORED,
    ("coopdesk/decisions/demo.py", " is elected treasurer from  ."): DEMO,
    (
        "coopdesk/decisions/demo.py",
        "The candidates () spoke about the cash box, the bank and dues.\n"
        "Voting is by secret ballot in CoopDesk at any site until the end of the week.\n"
        "Handover: the outgoing treasurer will prepare a checklist.",
    ): DEMO,
    ("coopdesk/decisions/meetings.py", "counted hands for “”"): STORED,
    ("coopdesk/decisions/outcomes.py", "Follows from the decision “”."): STORED,
    ("coopdesk/decisions/outcomes.py", "wrote the outcome of “”"): STORED,
    ("coopdesk/gui/shell/app.py", "self-test: the main window did not come up within  s"): CI,
    ("coopdesk/gui/shell/app.py", "self-test: main window shown in  ms (,  member)"): CI,
    ("coopdesk/gui/shell/app.py", "self-test: failed: "): CI,
    ("coopdesk/inventory/stocktake.py", "stocktake at "): STORED,
    ("coopdesk/inventory/stocktake.py", "stocktake: counted , book said "): STORED,
    ("coopdesk/inventory/transfers.py", " lost in transit"): STORED,
    ("coopdesk/reports/words.py", " min"): ENGLISH_PATH,
    (
        "coopdesk/roles/demo.py",
        "Keeps an eye on the whole: members, settings, sync conflicts.",
    ): DEMO,
    (
        "coopdesk/roles/demo.py",
        "Cash box, bank, dues; corrects stock counts after a stocktake.",
    ): DEMO,
    ("coopdesk/roles/demo.py", "Prepares and runs the assemblies."): DEMO,
    ("coopdesk/roles/demo.py", "Writes the minutes of every meeting and posts them."): DEMO,
    ("coopdesk/roles/mandates.py", "unknown mandate action "): PROGRAMMER,
    ("coopdesk/roles/mandates.py", "its author did not hold the mandate to "): HELD,
    ("coopdesk/roles/mandates.py", "it needed the mandate to "): HELD,
    ("coopdesk/roles/mandates.py", "changed a "): STORED,
    ("coopdesk/roles/roles.py", "added the role "): STORED,
    ("coopdesk/roles/roles.py", "changed the role "): STORED,
    ("coopdesk/roles/roles.py", "archived the role "): STORED,
    ("coopdesk/roles/roles.py", "restored the role "): STORED,
    ("coopdesk/roles/roles.py", "  for the role "): STORED,
    ("coopdesk/roles/rotation.py", "gave  the  term from  instead of "): STORED,
    ("coopdesk/roles/rotation.py", "wrote the handover notes of  from "): STORED,
    ("coopdesk/roles/rotation.py", "member "): STORED,
    ("coopdesk/shifts/duty.py", "Shift duty:  minutes every  days from "): STORED,
    ("coopdesk/shifts/shifts.py", "cancelled the shift "): STORED,
    ("coopdesk/shifts/shifts.py", "restored the shift "): STORED,
    ("coopdesk/store/dump.py", ',\n "coop_id": ,\n "format": '): SQL_OR_JSON,
    ("coopdesk/store/merging.py", "it depends on a  that was held"): HELD,
    ("coopdesk/store/merging.py", "it rewrites a  already recorded"): HELD,
    ("coopdesk/store/merging.py", "its author () is not a member of this coop"): HELD,
    (
        "coopdesk/store/merging.py",
        "it changes a  this site does not have (made under another computer's history of a"
        " site, set aside): it applies once that computer makes it again",
    ): HELD,
    ("coopdesk/store/schema.py", "anonymous table  must be a ledger"): PROGRAMMER,
    ("coopdesk/store/schema.py", "table  is declared twice"): PROGRAMMER,
    ("coopdesk/store/schema.py", "unknown column kind "): PROGRAMMER,
    ("coopdesk/sync/conflicts.py", "settled  · "): STORED,
    ("coopdesk/sync/importing.py", " after import from "): KEY,
    ("coopdesk/sync/invite.py", "invited the site "): STORED,
    ("coopdesk/sync/invite.py", "invited a computer for the site "): STORED,
    ("coopdesk/sync/invite.py", "a bad "): PROGRAMMER,
    ("coopdesk/sync/trust.py", "archived the site "): STORED,
    ("coopdesk/sync/trust.py", "restored the site "): STORED,
    ("coopdesk/tasks/tasks.py", "moved to "): STORED,
}


def test_every_word_people_read_is_marked_for_translation():
    found = unmarked_words()
    unmarked = [str(item) for item in found if (item.path, item.text) not in ALLOWED]
    assert unmarked == [], "mark these with _(), ngettext() or N_() (docs/translating.md)"


def test_the_allowed_list_names_only_literals_still_in_the_code():
    found = {(item.path, item.text) for item in unmarked_words()}
    assert sorted(set(ALLOWED) - found) == []


def test_the_scan_finds_what_people_would_read_unmarked(tmp_path):
    """The walk itself: each kind of shown literal is found; marked words, SQL, file names
    and HTML tags are not."""
    package = tmp_path / "coopdesk"
    (package / "gui").mkdir(parents=True)
    (package / "core.py").write_text(
        "from coopdesk.base.i18n import _\n"
        "def f(store, name, args, data):\n"
        "    store.conn.execute(f'SELECT id FROM {name} WHERE x = ?')\n"
        "    path = f'{name}-wal'\n"
        "    ok = _('Hello {name}').format(name=name)\n"
        "    print(f'Wrote {name}')\n"
        "    emit(args, data, 'Nothing to change.')\n"
        "    raise ValidationError('A PIN is digits')\n"
        "    raise ValueError('for programmers')\n",
        encoding="utf-8",
    )
    (package / "gui" / "page.py").write_text(
        "def g(self, n):\n"
        "    self.unit.addItem('weeks', 7)\n"
        "    self.label.setText(f'<b>{n}</b>')\n"
        "    self.bar.show_message('error', 'Not exported', _('Why'))\n",
        encoding="utf-8",
    )
    found = {(item.kind, item.text) for item in unmarked_words(package)}
    assert found == {
        ("printed", "Wrote "),
        ("printed", "Nothing to change."),
        ("error", "A PIN is digits"),
        ("window", "weeks"),
        ("window", "Not exported"),
    }

"""The Decisions page: open and closed decisions with their tallies, votes, and assemblies.

Everything shown is computed by ``coopdesk.decisions.results`` from synced rows, so every
site shows the same result. The page writes only through the core, as the member at the
keyboard; the facilitator's buttons (close early, outcome, hand counts) say up front who
may use them. A secret decision shows who took part, never how, and its tally only once it
has closed; after a secret vote nothing on screen tells the next person what was chosen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.i18n import N_, _
from coopdesk.base.text import long_moment_text, names_text, number_text
from coopdesk.coop import members_by_id
from coopdesk.decisions import ballots, decisions, meetings, outcomes, results
from coopdesk.decisions.ballots import choice_labels, parse_choice, stance_label
from coopdesk.decisions.decisions import KIND_LABELS, DecisionView, when_text
from coopdesk.decisions.ics import export_meeting_ics
from coopdesk.gui.decisions import printing
from coopdesk.gui.decisions.chart import TallyChart
from coopdesk.gui.decisions.dialogs import (
    AmendDialog,
    DecisionDialog,
    HandsDialog,
    MeetingDialog,
    MinutesDialog,
    OutcomeDialog,
    VoteDialog,
    pin_checker,
)
from coopdesk.gui.decisions.models import DecisionsModel, MeetingsModel, SitesModel
from coopdesk.gui.kit import dialogs
from coopdesk.gui.kit.mandate_gate import gate, refusal
from coopdesk.gui.kit.page import Page
from coopdesk.gui.kit.widgets import EmptyState, muted, scaled_font, table_view

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow

FILTERS = (("open", N_("Open and upcoming")), ("closed", N_("Closed")), ("all", N_("All")))
PARTICIPANTS_SHOWN = 60  # then "and 1,940 more": a label of 2,000 names is slow to lay out
ELECTORATE_WORDS = {
    "members": N_("every active member"),
    "site": N_("one site's members"),
    "role": N_("a role's eligible members"),
}


def _label(*, bold: bool = False, quiet: bool = False, scale: float = 1.0) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    if bold or scale != 1.0:
        label.setFont(scaled_font(label, scale, bold=bold))
    return muted(label) if quiet else label


class DecisionsPage(Page):
    tables = frozenset(
        {
            "decision",
            "decision_option",
            "stance",
            "participation",
            "ballot",
            "hand_count",
            "meeting",
            "agenda_item",
            "member",
            "site",
            "role",
            "role_term",
            "role_member",
            "mandate_use",
        }
    )

    def __init__(self, window: MainWindow) -> None:
        super().__init__(
            window,
            _("Decisions"),
            _(
                "Proposals, polls and elections, decided together across sites. Every site counts"
                " the same result; a secret ballot never carries a name."
            ),
        )
        self.model = DecisionsModel(self.store, self)
        self.sites_model = SitesModel(self)
        self.meetings_model = MeetingsModel(self)
        self.result: results.Result | None = None
        self._last_kind = ""

        # -- decisions: the list ----------------------------------------------------------
        self.new_button = QPushButton(_("New decision…"))
        self.new_button.setToolTip(_("Put a proposal, a poll or an election to the coop (Ctrl+N)"))
        self.new_button.clicked.connect(self.add_new)
        self.filter_combo = QComboBox()
        for key, label in FILTERS:
            self.filter_combo.addItem(_(label), key)
        self.filter_combo.currentIndexChanged.connect(lambda _i: self._filter_changed())
        tools = QHBoxLayout()
        tools.addWidget(self.new_button)
        tools.addStretch(1)
        tools.addWidget(QLabel(_("Show")))
        tools.addWidget(self.filter_combo)
        self.table = table_view(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for column, width in ((1, 140), (2, 100), (3, 160), (4, 80)):
            header.resizeSection(column, width)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_selected())
        self.table.activated.connect(lambda _index: self.vote())
        self.empty = EmptyState(
            _("Nothing to decide yet"),
            _(
                "Put a proposal to the coop (consent or consensus), run a poll, or hold "
                "an election."
                " Members vote here, at any site; every site counts the same result."
            ),
            _("New decision"),
            on_action=self.add_new,
        )

        # -- decisions: the selected one --------------------------------------------------
        self.decision_title = _label(bold=True, scale=1.25)
        self.facts_label = _label(quiet=True)
        self.details_label = _label()
        self.headline_label = _label(bold=True, scale=1.1)
        self.mine_label = _label()
        self.chart = TallyChart()
        self.sites_title = _label(bold=True)
        self.sites_title.setText(_("Sites"))
        self.sites_table = table_view(self.sites_model, stretch_last=False)
        self.sites_table.setAccessibleName(_("Counts by site"))
        sites_header = self.sites_table.horizontalHeader()
        for column in range(len(SitesModel.columns)):
            sites_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        sites_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.sites_table.setMaximumHeight(self.sites_table.fontMetrics().height() * 8)
        self.notes_label = _label(quiet=True)
        self.participants_label = _label(quiet=True)
        self.outcome_label = _label()
        self.vote_button = QPushButton(_("Vote…"))
        self.vote_button.clicked.connect(self.vote)
        self.close_button = QPushButton(_("Close early…"))
        self.close_button.setToolTip(_("End the vote now (a facilitator's mandate)"))
        self.close_button.clicked.connect(self.close_early)
        self.outcome_button = QPushButton(_("Outcome…"))
        self.outcome_button.setToolTip(_("Write what was decided, a review date and tasks"))
        self.outcome_button.clicked.connect(self.write_outcome)
        self.amend_button = QPushButton(_("Amend…"))
        self.amend_button.setToolTip(_("Change the proposal: a new round, earlier stances lapse"))
        self.amend_button.clicked.connect(self.amend)
        self.hands_button = QPushButton(_("Count hands…"))
        self.hands_button.setToolTip(
            _("Counts from a show of hands or paper ballots at an assembly")
        )
        self.hands_button.clicked.connect(self.count_hands)
        self.fill_button = QPushButton(_("Fill the role"))
        self.fill_button.setToolTip(_("The winners take the role's next term (through a swap)"))
        self.fill_button.clicked.connect(self.fill_role)
        self.ics_button = QPushButton(_("Calendar file…"))
        self.ics_button.setToolTip(_("The winning time as an .ics file for phones and calendars"))
        self.ics_button.clicked.connect(self.save_ics)
        self.print_button = QPushButton(_("Print"))
        print_menu = QMenu(self.print_button)
        self._sheet_actions(print_menu, _("Paper ballots"), self._ballots_html, "ballots")
        self._sheet_actions(print_menu, _("Result sheet"), self._result_html, "result")
        self.print_button.setMenu(print_menu)
        actions = QHBoxLayout()
        for button in (self.vote_button, self.close_button, self.outcome_button, self.amend_button):
            actions.addWidget(button)
        actions.addStretch(1)
        more = QHBoxLayout()
        for button in (self.hands_button, self.fill_button, self.ics_button, self.print_button):
            more.addWidget(button)
        more.addStretch(1)

        # What the decision is and what can be done with it on the left; its result on the
        # right, where the chart has room.
        about = QVBoxLayout()
        for widget in (self.decision_title, self.facts_label, self.details_label):
            about.addWidget(widget)
        about.addLayout(actions)
        about.addLayout(more)
        for widget in (self.outcome_label, self.participants_label):
            about.addWidget(widget)
        about.addStretch(1)
        outcome = QVBoxLayout()
        for widget in (
            self.headline_label,
            self.mine_label,
            self.chart,
            self.sites_title,
            self.sites_table,
            self.notes_label,
        ):
            outcome.addWidget(widget)
        outcome.addStretch(1)
        detail = QWidget()
        detail_layout = QHBoxLayout(detail)
        detail_layout.setContentsMargins(0, 8, 0, 0)
        detail_layout.addLayout(about, 1)
        detail_layout.addSpacing(16)
        detail_layout.addLayout(outcome, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(detail)
        self.detail = detail

        listing = QWidget()
        listing_layout = QVBoxLayout(listing)
        listing_layout.setContentsMargins(0, 0, 0, 0)
        listing_layout.addLayout(tools)
        listing_layout.addWidget(self.table, 1)
        listing_layout.addWidget(self.empty, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(listing)
        split.addWidget(scroll)
        split.setStretchFactor(1, 1)
        split.setSizes([200, 420])

        # -- assemblies -------------------------------------------------------------------
        self.new_meeting_button = QPushButton(_("New assembly…"))
        self.new_meeting_button.clicked.connect(self.add_meeting)
        self.minutes_button = QPushButton(_("Minutes…"))
        self.minutes_button.setToolTip(_("The minutes, who attended, who facilitated"))
        self.minutes_button.clicked.connect(self.write_minutes)
        self.agenda_button = QPushButton(_("Print"))
        agenda_menu = QMenu(self.agenda_button)
        self._sheet_actions(agenda_menu, _("Agenda"), self._agenda_html, "agenda")
        self.agenda_button.setMenu(agenda_menu)
        meeting_tools = QHBoxLayout()
        for button in (self.new_meeting_button, self.minutes_button, self.agenda_button):
            meeting_tools.addWidget(button)
        meeting_tools.addStretch(1)
        self.meetings_table = table_view(self.meetings_model)
        for column, width in ((0, 220), (1, 170), (2, 100)):
            self.meetings_table.horizontalHeader().resizeSection(column, width)
        self.meetings_table.selectionModel().currentRowChanged.connect(
            lambda *_: self.show_meeting()
        )
        self.meetings_table.activated.connect(lambda _index: self.write_minutes())
        self.meeting_label = _label()
        meeting_scroll = QScrollArea()
        meeting_scroll.setWidgetResizable(True)
        meeting_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        meeting_scroll.setWidget(self.meeting_label)
        meeting_split = QSplitter(Qt.Orientation.Horizontal)
        meeting_split.addWidget(self.meetings_table)
        meeting_split.addWidget(meeting_scroll)
        meeting_split.setSizes([560, 480])
        assemblies = QWidget()
        assemblies_layout = QVBoxLayout(assemblies)
        assemblies_layout.setContentsMargins(0, 6, 0, 0)
        assemblies_layout.addLayout(meeting_tools)
        assemblies_layout.addWidget(meeting_split, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(split, _("Decisions"))
        self.tabs.addTab(assemblies, _("Assemblies"))
        self.assemblies_tab = assemblies
        self.layout_.addWidget(self.tabs, 1)
        self.show_selected()

    # -- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        if ballots.closed_in_box(self.store):
            # Ballots of a decision that closed (here or elsewhere) leave this site's box;
            # after this load, so that loading never writes.
            QTimer.singleShot(0, self._release_closed)
        selected = self.selected_id()
        self.model.refresh()
        has_any = self.model.rowCount() > 0 or bool(
            self.store.conn.execute("SELECT 1 FROM decision LIMIT 1").fetchone()
        )
        self.table.setVisible(has_any)
        self.empty.setVisible(not has_any)
        row = self.model.row_of(selected) if selected else -1
        if selected and row < 0 and self.store.get("decision", selected) is not None:
            # The decision on screen left the list (it closed): show all, and keep it.
            self.filter_combo.blockSignals(True)
            self.filter_combo.setCurrentIndex(len(FILTERS) - 1)
            self.filter_combo.blockSignals(False)
            self.model.set_which("all")
            row = self.model.row_of(selected)
        if row < 0 and self.model.rowCount():
            row = 0
        self._select_row(row)
        self.load_meetings()

    def _select_row(self, row: int) -> None:
        """Select a row and show its decision once (not once per selection signal)."""
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        try:
            if row >= 0:
                self.table.selectRow(row)
        finally:
            selection.blockSignals(False)
        self.show_selected()

    def _release_closed(self) -> None:
        with dialogs.reported_errors(self, show=False):
            ballots.release_closed(self.store)

    def member_changed(self, member_id: str | None) -> None:
        if self.loaded:
            self.show_selected()

    def add_new(self) -> bool:
        if self.tabs.currentWidget() is self.assemblies_tab:
            self.add_meeting()
        else:
            self.window_.with_author(
                lambda author: self._open_new(author),
                _("Choose who you are to put a decision to the coop."),
            )
        return True

    def _filter_changed(self) -> None:
        self.model.set_which(self.filter_combo.currentData())
        self._select_row(0 if self.model.rowCount() else -1)

    # -- the selected decision --------------------------------------------------------------

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return str(self.model.id_at(index.row())) if index.isValid() else None

    def selected(self) -> DecisionView | None:
        decision_id = self.selected_id()
        if decision_id is None:
            return None
        try:
            return decisions.get_decision(self.store, decision_id)
        except Exception:
            return None

    def select_decision(self, decision_id: str) -> bool:
        """Select a decision (showing all decisions if the filter hides it)."""
        self.ensure_loaded()
        self.tabs.setCurrentIndex(0)
        row = self.model.row_of(decision_id)
        if row < 0:
            self.filter_combo.setCurrentIndex(len(FILTERS) - 1)
            row = self.model.row_of(decision_id)
        if row < 0:
            return False
        self._select_row(row)
        return True

    def show_selected(self) -> None:
        decision = self.selected()
        self.detail.setVisible(decision is not None)
        if decision is None:
            self.result = None
            return
        now = dt.datetime.now()
        result = self.result = results.tally(self.store, decision.id, now)
        self.decision_title.setText(decision.title)
        facts = [KIND_LABELS[decision.kind]]
        if decision.kind == "ranked" and decision.seats > 1:
            facts.append(_("{seats} seats").format(seats=decision.seats))
        if decision.secret:
            facts.append(_("secret ballot"))
        if decision.by_sites != "none":
            facts.append(decisions.BY_SITES_LABELS[decision.by_sites].lower())
        facts.append(
            _("for {value} ({electorate_size})").format(
                value=_(ELECTORATE_WORDS[decision.electorate]),
                electorate_size=decision.electorate_size,
            )
        )
        if decision.quorum_pct:
            facts.append(_("quorum {quorum_pct}%").format(quorum_pct=decision.quorum_pct))
        phase = decision.phase(now)
        if phase == "upcoming":
            span = _("opens {opens}, closes {closes}")
        elif phase == "closed":
            span = _("opened {opens}, closed {closes}")
        else:
            span = _("opened {opens}, closes {closes}")
        facts.append(
            span.format(
                opens=when_text(decision.opens_at, now), closes=when_text(decision.ends_at, now)
            )
        )
        if decision.proposer_name:
            facts.append(
                _("proposed by {proposer_name}").format(proposer_name=decision.proposer_name)
            )
        if decision.round:
            facts.append(_("amended ({round})").format(round=decision.round))
        self.facts_label.setText(" · ".join(facts))
        self.details_label.setText(decision.details)
        self.details_label.setVisible(bool(decision.details))
        self.headline_label.setText(result.headline())
        self.mine_label.setText(self._mine_text(decision))
        self.mine_label.setVisible(bool(self.mine_label.text()))
        hidden = _("Results show when it closes.") if result.hidden else _("No votes yet.")
        self.chart.set_bars(result.bars, hidden)
        self.sites_model.set_rows(result.sites)
        self.sites_title.setVisible(bool(result.sites))
        self.sites_table.setVisible(bool(result.sites))
        self.notes_label.setText("\n".join(result.notes))
        self.notes_label.setVisible(bool(result.notes))
        reasons = [
            f"{stance_label(stance)}: {(name + ': ') if name else ''}{reason}"
            for stance, reason, name in result.reasons
        ]
        shown = result.participants[:PARTICIPANTS_SHOWN]
        more = len(result.participants) - len(shown)
        took_part = (
            _("Took part: {names}").format(
                names=names_text(
                    [*shown, _("{count} more").format(count=number_text(more))] if more else shown
                )
            )
            if shown
            else ""
        )
        self.participants_label.setText("\n".join([*reasons, took_part]).strip())
        self.outcome_label.setText(
            (_("Outcome: {outcome}").format(outcome=decision.outcome) if decision.outcome else "")
            + (
                _("\nReview on {review_on}").format(review_on=decision.review_on)
                if decision.review_on
                else ""
            )
        )
        self.outcome_label.setVisible(bool(decision.outcome))
        self._update_actions(decision, result, now)

    def _mine_text(self, decision: DecisionView) -> str:
        member = self.session.member_id
        if member is None:
            return ""
        if decision.secret:
            if ballots.has_voted(self.store, decision, member):
                return _("You took part. Your ballot carries no name.")
            return _("You have not voted yet.") if decision.phase() == "open" else ""
        mine = ballots.my_stance(self.store, decision, member)
        if mine is None:
            return _("You have not voted yet.") if decision.phase() == "open" else ""
        if decision.is_proposal or decision.kind == "count":
            said = stance_label(mine["stance"])
        else:
            said = ", ".join(choice_labels(decision, parse_choice(mine["choice"]))) or _(
                "(nothing)"
            )
        later = _(" (you can change it until it closes)") if decision.phase() == "open" else ""
        return _("Your vote: {said}{later}").format(said=said, later=later)

    def _update_actions(
        self, decision: DecisionView, result: results.Result, now: dt.datetime
    ) -> None:
        member = self.session.member_id
        phase = result.phase
        why_not = ballots.refusal_to_vote(self.store, decision, member, now) if member else ""
        voted = bool(member) and ballots.has_voted(self.store, decision, str(member))
        # What cannot apply to this decision now is hidden; what the member at the keyboard
        # may not do is disabled, its tooltip saying why (and who may).
        closed = phase == "closed"
        self.vote_button.setVisible(not closed)
        self.vote_button.setEnabled(phase == "open" and not why_not)
        self.vote_button.setToolTip(why_not or _("Vote as the member at the keyboard (Enter)"))
        self.vote_button.setText(
            _("Change my vote…") if voted and not decision.secret else _("Vote…")
        )
        mandate = refusal(self.store, member, "decisions")
        self.close_button.setVisible(not closed)
        gate(self.close_button, True, mandate)
        self.outcome_button.setVisible(closed and not decision.withdrawn)
        gate(self.outcome_button, True, mandate)
        self.hands_button.setVisible(phase == "open" and decision.kind in meetings.HAND_KINDS)
        gate(self.hands_button, True, mandate)
        self.amend_button.setVisible(decision.is_proposal and not closed)
        self.fill_button.setVisible(bool(decision.fills_role_id))
        filled = closed and outcomes.role_is_filled(self.store, decision, result, now)
        self.fill_button.setEnabled(closed and bool(result.winners) and not filled)
        self.fill_button.setText(_("The role is filled") if filled else _("Fill the role"))
        self.ics_button.setVisible(decision.kind == "meeting")
        self.ics_button.setEnabled(bool(result.winners) and not result.hidden)

    # -- actions ----------------------------------------------------------------------------

    def _choices(self, table: str) -> list[tuple[str, str]]:
        return [
            (row["id"], row["name"])
            for row in self.store.query(
                f"SELECT id, name FROM {table} WHERE _cl % 2 = 1 ORDER BY name COLLATE NOCASE"
            )
        ]

    def _open_new(self, author: str) -> None:
        def save(values: dict[str, Any]) -> str:
            title = values.pop("title")
            return decisions.add_decision(self.store, author, title, **values)

        def make_dialog() -> QDialog:
            dialog = DecisionDialog(save, self._choices("site"), self._choices("role"), self)
            dialog.saved.connect(self._made)
            return dialog

        self._open("decisions.decision", make_dialog)

    def _made(self, decision_id: str) -> None:
        self.window_.show_notice(_("The decision is open to the coop."))
        self.filter_combo.setCurrentIndex(len(FILTERS) - 1)
        self.load()
        self.select_decision(decision_id)

    def _open(self, kind: str, make: Callable[[], QDialog]) -> None:
        """Through the window's dialog manager: one of each kind, raised if open."""
        self._last_kind = kind
        self.window_.dialogs.open(kind, make)

    @property
    def dialog(self) -> QDialog | None:
        """The decisions dialog opened last, while it is open."""
        return self.window_.dialogs.find(self._last_kind) if self._last_kind else None

    def vote(self) -> None:
        decision = self.selected()
        if decision is None:
            return
        self.window_.with_author(
            lambda author: self._open_vote(decision, author), _("Choose who you are to vote.")
        )

    def _open_vote(self, decision: DecisionView, author: str) -> None:
        why_not = ballots.refusal_to_vote(self.store, decision, author)
        if why_not:
            dialogs.show_error(self, why_not)
            return
        needs_pin, check = pin_checker(self.store, author)

        def save(values: dict[str, Any]) -> str:
            return ballots.vote(self.store, author, decision.id, **values)

        def make_dialog() -> QDialog:
            dialog = VoteDialog(
                decision,
                self.session.member_name,
                save,
                needs_pin=needs_pin,
                check_pin=check,
                parent=self,
            )
            secret = decision.secret
            dialog.saved.connect(lambda _id: self._voted(decision.title, secret))
            return dialog

        self._open("decisions.vote", make_dialog)

    def _voted(self, title: str, secret: bool) -> None:
        self.window_.show_notice(
            _("Your ballot on “{title}” is in the ballot box, without your name.").format(
                title=title
            )
            if secret
            else _("Your vote on “{title}” is counted.").format(title=title)
        )

    def close_early(self) -> None:
        decision = self.selected()
        if decision is None:
            return

        def run(author: str) -> None:
            not_heard = self.result.not_heard if self.result else []
            warning = (
                _(
                    " Not heard from since it opened: {names}; votes cast there still count "
                    "when their bundles arrive."
                ).format(names=names_text(not_heard))
                if not_heard
                else ""
            )
            if not dialogs.confirm(
                self,
                _("Close this decision now?"),
                _(
                    "“{title}” closes now instead of {when}. No more votes are taken here; "
                    "every site learns of it with the next bundle.{warning}"
                ).format(title=decision.title, when=when_text(decision.closes_at), warning=warning),
                _("Close it now"),
                _("Keep it open"),
            ):
                return
            with dialogs.reported_errors(self) as outcome:
                outcomes.close_decision(self.store, author, decision.id)
            if outcome.ok:
                self.window_.show_notice(_("Closed “{title}”.").format(title=decision.title))

        self.window_.with_author(
            run, _("Choose who you are to close the decision."), mandate="decisions"
        )

    def write_outcome(self) -> None:
        decision = self.selected()
        if decision is None:
            return

        def run(author: str) -> None:
            def save(values: dict[str, Any]) -> list[str]:
                return outcomes.write_outcome(self.store, author, decision.id, **values)

            def make_dialog() -> QDialog:
                dialog = OutcomeDialog(decision, save, self)
                dialog.saved.connect(
                    lambda tasks: self.window_.show_notice(
                        _("Outcome saved")
                        + (_("; {count} task(s) made.").format(count=len(tasks)) if tasks else ".")
                    )
                )
                return dialog

            self._open("decisions.outcome", make_dialog)

        self.window_.with_author(
            run, _("Choose who you are to write the outcome."), mandate="decisions"
        )

    def amend(self) -> None:
        decision = self.selected()
        if decision is None:
            return

        def run(author: str) -> None:
            def save(values: dict[str, Any]) -> int:
                return decisions.amend_decision(self.store, author, decision.id, **values)

            def make_dialog() -> QDialog:
                dialog = AmendDialog(decision, save, self)
                dialog.saved.connect(
                    lambda _r: self.window_.show_notice(_("Amended: a new round of votes starts."))
                )
                return dialog

            self._open("decisions.amend", make_dialog)

        self.window_.with_author(run, _("Choose who you are to amend the proposal."))

    def count_hands(self) -> None:
        decision = self.selected()
        if decision is None:
            return

        def run(author: str) -> None:
            def save(values: dict[str, Any]) -> None:
                meetings.record_hands(
                    self.store,
                    author,
                    decision.id,
                    values["counts"],
                    meeting_id=values["meeting_id"],
                )

            choices = [(m.id, m.title) for m in meetings.list_meetings(self.store)]

            def make_dialog() -> QDialog:
                dialog = HandsDialog(decision, choices, save, self)
                dialog.saved.connect(lambda _r: self.window_.show_notice(_("Counts saved.")))
                return dialog

            self._open("decisions.hands", make_dialog)

        self.window_.with_author(
            run, _("Choose who you are to enter the counts."), mandate="decisions"
        )

    def fill_role(self) -> None:
        decision = self.selected()
        if decision is None:
            return

        def run(author: str) -> None:
            with dialogs.reported_errors(self) as outcome:
                holders = outcomes.fill_role(self.store, author, decision.id)
            if outcome.ok:
                found = members_by_id(self.store, holders)
                names = [found[m]["name"] for m in holders if m in found]
                self.window_.show_notice(
                    _("{names} will hold the role from its next term.").format(
                        names=names_text(names)
                    )
                )

        self.window_.with_author(run, _("Choose who you are to fill the role."))

    def save_ics(self) -> None:
        decision = self.selected()
        if decision is None:
            return
        path = dialogs.save_file_name(
            self,
            _("Save the time as a calendar file"),
            Path.home() / "meeting.ics",
            _("Calendar (*.ics)"),
        )
        if path is None:
            return
        with dialogs.reported_errors(self) as outcome:
            export_meeting_ics(self.store, decision.id, path)
        if outcome.ok:
            self.window_.show_notice(_("Saved {path}.").format(path=path))

    # -- paper --------------------------------------------------------------------------------

    def _sheet_actions(
        self, menu: QMenu, what: str, make: Callable[[], str | None], stem: str
    ) -> None:
        menu.addAction(_("{what}: print…").format(what=what), lambda: self._print(make, what))
        menu.addAction(
            _("{what}: save as PDF…").format(what=what), lambda: self._save_pdf(make, what, stem)
        )

    def _print(self, make: Callable[[], str | None], what: str) -> None:
        text = make()
        if text and printing.print_sheet(self, text, f"Print: {what}"):
            self.window_.show_notice(_("Sent {lower} to print.").format(lower=what.lower()))

    def _save_pdf(self, make: Callable[[], str | None], what: str, stem: str) -> None:
        text = make()
        if not text:
            return
        path = dialogs.save_file_name(
            self,
            _("Save {lower} as PDF").format(lower=what.lower()),
            Path.home() / f"{stem}.pdf",
            _("PDF (*.pdf)"),
        )
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        try:
            path = printing.save_pdf(path, text)
        except CoopDeskError as exc:
            dialogs.show_error(self, str(exc))
            return
        self.window_.show_notice(_("Saved {path}.").format(path=path))

    def _ballots_html(self) -> str | None:
        decision = self.selected()
        if decision is None:
            return None
        return printing.ballots_html(
            decision,
            self.window_.identity.coop_name,
            copies=max(2, min(40, decision.electorate_size)),
        )

    def _result_html(self) -> str | None:
        decision = self.selected()
        if decision is None:
            return None
        return printing.result_html(
            results.tally(self.store, decision.id), self.window_.identity.coop_name
        )

    def _agenda_html(self) -> str | None:
        meeting = self.selected_meeting()
        if meeting is None:
            return None
        linked = [item.decision_id for item in meeting.agenda if item.decision_id]
        found = decisions.decisions_by_id(self.store, linked)
        return printing.agenda_html(meeting, self.window_.identity.coop_name, found)

    # -- assemblies ---------------------------------------------------------------------------

    def load_meetings(self) -> None:
        selected = self.selected_meeting()
        self.meetings_model.set_rows(meetings.list_meetings(self.store))
        row = self.meetings_model.row_where(lambda m: selected is not None and m.id == selected.id)
        if row < 0 and self.meetings_model.rows:
            row = 0
        if row >= 0:
            self.meetings_table.selectRow(row)
        self.show_meeting()

    def selected_meeting(self) -> meetings.MeetingView | None:
        index = self.meetings_table.currentIndex()
        return self.meetings_model.row_at(index.row()) if index.isValid() else None

    def show_meeting(self) -> None:
        meeting = self.selected_meeting()
        self.minutes_button.setEnabled(meeting is not None)
        self.agenda_button.setEnabled(meeting is not None)
        if meeting is None:
            self.meeting_label.setText(
                _("No assemblies yet. Record one to keep its agenda, who came and its minutes.")
            )
            return
        start = dt.datetime.fromisoformat(meeting.starts_at)
        lines = [
            f"{meeting.title}",
            long_moment_text(start) + (f" · {meeting.site_name}" if meeting.site_name else ""),
        ]
        if meeting.facilitator_name:
            lines.append(
                _("Facilitator: {facilitator_name}").format(
                    facilitator_name=meeting.facilitator_name
                )
            )
        lines.append("")
        lines.append(_("Agenda:"))
        lines += [f"  {n}. {item.title}" for n, item in enumerate(meeting.agenda, start=1)] or [
            "  " + _("(none)")
        ]
        if meeting.attendee_names:
            lines += [
                "",
                _("Attended ({count}): {names}").format(
                    count=len(meeting.attendee_names), names=names_text(meeting.attendee_names)
                ),
            ]
        if meeting.minutes:
            lines += ["", "Minutes:", meeting.minutes]
        self.meeting_label.setText("\n".join(lines))

    def add_meeting(self) -> None:
        def run(author: str) -> None:
            def save(values: dict[str, Any]) -> str:
                title = values.pop("title")
                return meetings.add_meeting(self.store, author, title, **values)

            open_ones = [(d.id, d.title) for d in decisions.list_decisions(self.store, "open")]

            def make_dialog() -> QDialog:
                dialog = MeetingDialog(
                    save,
                    self._choices("site"),
                    self._choices("member"),
                    open_ones,
                    self.store.site_id,
                    self,
                )
                dialog.saved.connect(lambda _id: self.window_.show_notice(_("Assembly saved.")))
                return dialog

            self._open("decisions.meeting", make_dialog)

        self.tabs.setCurrentWidget(self.assemblies_tab)
        self.window_.with_author(run, _("Choose who you are to record an assembly."))

    def write_minutes(self) -> None:
        meeting = self.selected_meeting()
        if meeting is None:
            return

        def run(author: str) -> None:
            def save(values: dict[str, Any]) -> set[str]:
                return meetings.write_minutes(self.store, author, meeting.id, **values)

            def make_dialog() -> QDialog:
                dialog = MinutesDialog(meeting, self._choices("member"), save, self)
                dialog.saved.connect(lambda _c: self.window_.show_notice(_("Minutes saved.")))
                return dialog

            self._open("decisions.minutes", make_dialog)

        self.window_.with_author(run, _("Choose who you are to write the minutes."))

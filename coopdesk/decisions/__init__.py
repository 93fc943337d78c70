"""Decisions: proposals, polls and elections, across sites, with secret ballots; assemblies."""

from coopdesk.base.feature import Feature, Section, public_api
from coopdesk.decisions.tables import TABLES

FEATURE = Feature(
    name="decisions",
    tables=TABLES,
    commands="coopdesk.cli.decisions",
    command_words=("decision", "meeting"),
    demo_steps=((80, "coopdesk.decisions.demo:demo_decisions"),),
    demo_at_other_sites="coopdesk.decisions.demo:demo_at_other_sites",
    sections=(
        Section("decisions", "Decisions", "coopdesk.gui.decisions.page:DecisionsPage", order=35),
    ),
    today="coopdesk.gui.decisions.today:build_panels",
    before_export="coopdesk.decisions.box:release_before_export",
    mandates_needed="coopdesk.decisions.mandates:mandates_needed",
)

# The names other features may use, each loaded from its module on first use.
__getattr__, __dir__, __all__ = public_api(
    __name__,
    {
        "ballots": ("has_voted", "release_ballots", "release_closed", "vote"),
        "decisions": (
            "DecisionView",
            "add_decision",
            "decision_ids",
            "due_for_review",
            "get_decision",
            "list_decisions",
        ),
        "meetings": ("MeetingView", "add_meeting", "get_meeting", "list_meetings"),
        "outcomes": ("close_decision", "fill_role", "write_outcome"),
        "results": ("Result", "tally"),
        "tables": ("KINDS",),
    },
)

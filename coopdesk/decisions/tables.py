"""The decision tables: decisions and their options, stances, secret ballots, assemblies.

Open decisions keep one ``stance`` row per vote cast (a ledger: a change of mind is a new
row that names the ones it replaces). Secret decisions split a vote in two rows that nothing
links: the voter's ``participation`` (who took part, written under their name) and an
anonymous ``ballot`` (what was chosen, written later by the site's ballot box, see
``coopdesk.decisions.ballots``). See docs/decisions.md for the rules.
"""

from __future__ import annotations

from coopdesk.base.i18n import N_, npgettext
from coopdesk.base.text import Words
from coopdesk.store.schema import Column, TableSpec

KINDS = ("consent", "consensus", "single", "multiple", "score", "ranked", "count", "meeting")
PROPOSAL_KINDS = ("consent", "consensus")
# The stances each kind takes; polls of the other kinds carry a choice instead ("none").
STANCES_BY_KIND = {
    "consent": ("consent", "object"),
    "consensus": ("agree", "abstain", "disagree", "block"),
    "count": ("yes", "no"),
}
# Stances that need a reason (Loomio: only disagree and block; an objection too).
REASON_REQUIRED = ("object", "disagree", "block")
# Each stance in words (a Words mapping: translated when read).
STANCE_WORDS = Words(
    {
        "consent": N_("Consent"),
        "object": N_("Object"),
        "agree": N_("Agree"),
        "abstain": N_("Abstain"),
        "disagree": N_("Disagree"),
        "block": N_("Block"),
        "yes": N_("I'm in"),
        "no": N_("Not me"),
    }
)
STANCES = ("none", "consent", "object", "agree", "abstain", "disagree", "block", "yes", "no")
# Meeting-time polls: an answer per slot.
SLOT_ANSWERS = ("yes", "maybe", "no")
MAX_SCORE = 5
ELECTORATES = ("members", "site", "role")
BY_SITES_RULES = ("none", "every-site", "site-majority", "member-majority")


DECISION = TableSpec(
    name="decision",
    noun=N_("decision"),
    counted=lambda n: npgettext("table rows", "decision", "decisions", n),
    label_column="title",
    columns=(
        Column("title", "text", N_("Title"), required=True, max_len=200),
        Column("details", "text", N_("Details"), max_len=5000, default=""),
        Column("kind", "choice", N_("Kind"), required=True, choices=KINDS, default="consent"),
        # Ranked: seats to fill (1: instant-runoff; more: STV). Count: how many are needed.
        Column("seats", "int", N_("Seats"), minimum=1, maximum=1000, default=1),
        Column("opens_at", "datetime", N_("Opens"), required=True),
        Column("closes_at", "datetime", N_("Closes"), required=True),
        # Set by an early close (a mandated action); two sites closing early both close it.
        Column("closed_at", "datetime", N_("Closed early"), conflicts=False),
        Column("quorum_pct", "int", N_("Quorum (%)"), minimum=0, maximum=100, default=0),
        Column("secret", "bool", N_("Secret ballot"), default=0),
        Column("show_results", "bool", N_("Results before closing"), default=1),
        Column(
            "electorate", "choice", N_("Who may take part"), choices=ELECTORATES, default="members"
        ),
        Column("site_id", "ref", N_("Site"), ref_table="site"),
        Column("role_id", "ref", N_("Role"), ref_table="role"),
        Column(
            "by_sites", "choice", N_("Decided by sites"), choices=BY_SITES_RULES, default="none"
        ),
        # Fixed when the decision is made: how many may take part, overall and per home site
        # (JSON {site id: count}), so quorums do not move as members come and go.
        Column("electorate_size", "int", N_("Electorate"), minimum=0, maximum=1_000_000, default=0),
        Column("site_electorates", "text", N_("Electorate by site"), max_len=20_000, default="{}"),
        # Each amendment of a proposal starts a new round: stances on older text lapse.
        Column("round", "int", N_("Round"), minimum=0, maximum=10_000, default=0),
        Column("proposed_by", "ref", N_("Proposed by"), ref_table="member"),
        Column("outcome", "text", N_("Outcome"), max_len=5000, default=""),
        Column("review_on", "date", N_("Review on")),
        # An election that fills a rotating role's next term.
        Column("fills_role_id", "ref", N_("Fills role"), ref_table="role"),
    ),
)


DECISION_OPTION = TableSpec(
    name="decision_option",
    noun=N_("option"),
    counted=lambda n: npgettext("table rows", "option", "options", n),
    label_column="label",
    columns=(
        Column("decision_id", "ref", N_("Decision"), required=True, ref_table="decision"),
        Column("label", "text", N_("Option"), required=True, max_len=200),
        Column("position", "int", N_("Order"), minimum=0, maximum=10_000, default=0),
        # A meeting-time poll's slot.
        Column("starts_at", "datetime", N_("Starts")),
        Column("minutes", "int", N_("Length (minutes)"), minimum=5, maximum=1440, default=60),
        # An election's candidate.
        Column("member_id", "ref", N_("Candidate"), ref_table="member"),
    ),
)


MEETING = TableSpec(
    name="meeting",
    noun=N_("meeting"),
    counted=lambda n: npgettext("table rows", "meeting", "meetings", n),
    label_column="title",
    columns=(
        Column("title", "text", N_("Title"), required=True, max_len=200),
        Column("starts_at", "datetime", N_("Date"), required=True),
        Column("site_id", "ref", N_("Site"), ref_table="site"),
        Column("facilitator_id", "ref", N_("Facilitator"), ref_table="member"),
        Column("attendees", "tags", N_("Attended"), max_len=40_000, default="[]"),
        Column("minutes", "text", N_("Minutes"), max_len=20_000, default=""),
    ),
)


AGENDA_ITEM = TableSpec(
    name="agenda_item",
    noun=N_("agenda item"),
    counted=lambda n: npgettext("table rows", "agenda item", "agenda items", n),
    label_column="title",
    columns=(
        Column("meeting_id", "ref", N_("Meeting"), required=True, ref_table="meeting"),
        Column("position", "int", N_("Order"), minimum=0, maximum=10_000, default=0),
        Column("title", "text", N_("Item"), required=True, max_len=200),
        Column("decision_id", "ref", N_("Decision"), ref_table="decision"),
        Column("notes", "text", N_("Notes"), max_len=5000, default=""),
    ),
)


STANCE = TableSpec(
    name="stance",
    noun=N_("stance"),
    counted=lambda n: npgettext("table rows", "stance", "stances", n),
    label_column="stance",
    label_words=STANCE_WORDS,
    kind="ledger",
    columns=(
        Column("decision_id", "ref", N_("Decision"), required=True, ref_table="decision"),
        Column("member_id", "ref", N_("Member"), required=True, ref_table="member"),
        Column("site_id", "ref", N_("Cast at"), ref_table="site"),
        Column("round", "int", N_("Round"), minimum=0, maximum=10_000, default=0),
        Column("stance", "choice", N_("Stance"), choices=STANCES, default="none"),
        # JSON: option ids (single, multiple; ranked in order), or {option id: score or
        # yes/maybe/no} (score, meeting).
        Column("choice", "text", N_("Choice"), max_len=8000, default=""),
        Column("reason", "text", N_("Reason"), max_len=2000, default=""),
        Column("cast_at", "datetime", N_("Cast"), required=True),
        # The member's stances this one replaces: every head this site knew of.
        Column("replaces", "tags", N_("Replaces"), max_len=2000, default="[]"),
    ),
)


PARTICIPATION = TableSpec(
    name="participation",
    noun=N_("participation"),
    counted=lambda n: npgettext("table rows", "participation", "participations", n),
    label_column="voted_at",
    kind="ledger",
    columns=(
        # That a member voted in a secret decision, and where; never what.
        Column("decision_id", "ref", N_("Decision"), required=True, ref_table="decision"),
        Column("member_id", "ref", N_("Member"), required=True, ref_table="member"),
        Column("site_id", "ref", N_("Voted at"), ref_table="site"),
        Column("round", "int", N_("Round"), minimum=0, maximum=10_000, default=0),
        Column("voted_at", "datetime", N_("Voted"), required=True),
    ),
)


BALLOT = TableSpec(
    name="ballot",
    noun=N_("secret ballot"),
    counted=lambda n: npgettext("table rows", "secret ballot", "secret ballots", n),
    label_column="round",
    kind="ledger",
    anonymous=True,
    columns=(
        # No member, no time: the site's ballot box writes these in shuffled batches.
        Column("decision_id", "ref", N_("Decision"), required=True, ref_table="decision"),
        Column("site_id", "ref", N_("Cast at"), ref_table="site"),
        Column("round", "int", N_("Round"), minimum=0, maximum=10_000, default=0),
        Column("stance", "choice", N_("Stance"), choices=STANCES, default="none"),
        Column("choice", "text", N_("Choice"), max_len=8000, default=""),
        Column("reason", "text", N_("Reason"), max_len=2000, default=""),
    ),
)


HAND_COUNT = TableSpec(
    name="hand_count",
    noun=N_("show of hands"),
    counted=lambda n: npgettext("table rows", "show of hands", "shows of hands", n),
    label_column="key",
    columns=(
        # Counted by a facilitator at an assembly instead of ballots. The id derives from
        # decision, site, round and key: counting again corrects the count.
        Column("decision_id", "ref", N_("Decision"), required=True, ref_table="decision"),
        Column("site_id", "ref", N_("Site"), ref_table="site"),
        Column("meeting_id", "ref", N_("Meeting"), ref_table="meeting"),
        Column("round", "int", N_("Round"), minimum=0, maximum=10_000, default=0),
        # A stance ("consent", "block", "yes") or an option id.
        Column("key", "text", N_("For"), required=True, max_len=64),
        Column("count", "int", N_("Hands"), minimum=0, maximum=1_000_000, default=0),
    ),
)

TABLES = (
    MEETING,
    DECISION,
    DECISION_OPTION,
    AGENDA_ITEM,
    STANCE,
    PARTICIPATION,
    BALLOT,
    HAND_COUNT,
)

"""The coop's own tables: the coop and its settings, its sites, its members and their leave."""

from __future__ import annotations

from coopdesk.base.i18n import LANGUAGE_CHOICES, N_, npgettext
from coopdesk.store.schema import Column, TableSpec

COOP = TableSpec(
    name="coop",
    noun="coop",
    counted=lambda n: npgettext("table rows", "coop", "coops", n),
    label_column="name",
    columns=(
        Column("name", "text", N_("Coop name"), required=True, max_len=120),
        Column("encrypt_bundles", "bool", N_("Encrypt sync bundles"), default=1),
        # The duty rule and the idle lock are settings of the coop: plain data that syncs.
        # Every member owes duty_minutes of shifts per duty_period_days, counted from
        # duty_from (no date: no duty rule).
        Column(
            "duty_minutes", "int", N_("Shift minutes owed"), minimum=0, maximum=100_000, default=180
        ),
        Column(
            "duty_period_days", "int", N_("Duty period (days)"), minimum=1, maximum=366, default=28
        ),
        Column("duty_from", "date", N_("Duty counted from")),
        # A shared computer returns to the member picker after this many idle minutes.
        Column(
            "idle_minutes",
            "int",
            N_("Idle minutes before locking"),
            minimum=1,
            maximum=480,
            default=15,
        ),
        # Where the coop's shifts happen (an IANA name such as Europe/Berlin): calendar files
        # carry their times in it, so a phone in another zone shows the right hour. Empty:
        # the zone of the computer that exports (set to the first computer's zone at init).
        Column("time_zone", "text", N_("Time zone"), max_len=64, default=""),
        # The window's language when nobody (or a member without their own) is at the
        # keyboard, and the command line's when neither --lang nor the environment says.
        # "" : English. Only codes CoopDesk has: checked on write and on merge.
        Column("language", "choice", N_("Language"), choices=LANGUAGE_CHOICES, default=""),
    ),
)

SITE = TableSpec(
    name="site",
    noun="site",
    counted=lambda n: npgettext("table rows", "site", "sites", n),
    label_column="name",
    columns=(
        Column("name", "text", N_("Site name"), required=True, max_len=120),
        # Set when a computer restored from a backup took a new identity: the old one
        # makes no more changes, so no bundle needs to wait for it.
        Column("replaced_by", "ref", N_("Replaced by"), ref_table="site"),
        # The site's Ed25519 public key (hex) and the certificate that vouches for it (see
        # coopdesk.store.keys): every site checks each origin's sealed changes against it.
        Column("public_key", "text", N_("Public key"), max_len=64),
        Column("certificate", "text", N_("Certificate"), max_len=2000),
        # Archived sites only: the last of its transactions still accepted from any route.
        Column("revoked_after", "int", N_("Accepted up to"), minimum=0),
    ),
)

MEMBER = TableSpec(
    name="member",
    noun="member",
    counted=lambda n: npgettext("table rows", "member", "members", n),
    label_column="name",
    columns=(
        Column("name", "text", N_("Name"), required=True, max_len=120),
        Column("email", "email", N_("Email"), max_len=200, default=""),
        Column("phone", "text", N_("Phone"), max_len=40, default=""),
        Column("skills", "tags", N_("Skills"), max_len=1000, default="[]"),
        Column("home_site_id", "ref", N_("Home site"), ref_table="site"),
        Column("notes", "text", N_("Notes"), max_len=2000, default=""),
        # The member's own language: the window switches to it when they take the keyboard.
        # "": the coop's default.
        Column("language", "choice", N_("Language"), choices=LANGUAGE_CHOICES, default=""),
    ),
    # Until schema 14 every site's PIN verifiers travelled here; now they stay on the
    # computer where they were set (``_pin``, see coopdesk.coop.pins).
    retired=(Column("pin_hash", "text", N_("PIN"), max_len=300, default=""),),
)

LEAVE = TableSpec(
    name="leave",
    noun="leave",
    counted=lambda n: npgettext("table rows", "period of leave", "periods of leave", n),
    plural_noun="periods of leave",
    label_column="reason",
    columns=(
        # A period with no duty: no shifts owed, and rotations and chores skip the member.
        Column("member_id", "ref", N_("Member"), required=True, ref_table="member"),
        Column("starts_on", "date", N_("From"), required=True),
        Column("ends_on", "date", N_("Until"), required=True),
        Column("reason", "text", N_("Reason"), max_len=200, default=""),
    ),
)

TABLES = (COOP, SITE, MEMBER, LEAVE)

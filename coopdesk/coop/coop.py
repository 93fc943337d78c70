"""A coop and its sites: starting a new coop, and what this store knows about itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coopdesk.base.errors import ValidationError
from coopdesk.base.i18n import N_, _, check_language
from coopdesk.coop.tables import COOP
from coopdesk.store.ids import new_id
from coopdesk.store.store import Store


@dataclass(frozen=True)
class Identity:
    coop_id: str
    coop_name: str
    site_id: str
    site_name: str


def start_coop(
    data_dir: Path,
    coop_name: str,
    site_name: str,
    member_name: str,
    now_ms: Callable[[], int] | None = None,
) -> Store:
    """Create a store for a new coop: the coop, this site and its first member, in one change.

    The first member is the author of that change and becomes the command line's default
    member on this computer. ``now_ms`` replaces the wall clock (the demo uses it to spread
    its history over past weeks).
    """
    for label, value in (
        (N_("Coop name"), coop_name),
        (N_("Site name"), site_name),
        (N_("Your name"), member_name),
    ):
        if not value or not value.strip():
            raise ValidationError(_("{label} is required.").format(label=_(label)), field=label)
    store = Store.create(data_dir)
    if now_ms is not None:
        store.clock.now_ms = now_ms
    try:
        coop_id = new_id()
        member_id = new_id()
        store.local_set("coop_id", coop_id)
        store.local_set("default_member_id", member_id)
        # The keys (and their modules) only for a new coop, not to open one.
        from coopdesk.sync import setup_new_coop_keys

        certificate = setup_new_coop_keys(store, coop_id)
        site = {
            "name": site_name,
            "public_key": certificate.public_key,
            "certificate": certificate.to_json(),
        }
        with store.transaction(member_id) as tx:
            tx.insert("coop", {"name": coop_name}, row_id=coop_id)
            tx.insert("site", site, row_id=store.site_id)
            tx.insert("member", {"name": member_name, "home_site_id": store.site_id}, member_id)
    except BaseException:
        store.close()
        raise
    return store


def identity(store: Store) -> Identity:
    coop_id = store.coop_id or ""
    coop = store.get("coop", coop_id) if coop_id else None
    site = store.get("site", store.site_id)
    return Identity(
        coop_id=coop_id,
        coop_name=coop["name"] if coop else _("(no coop)"),
        site_id=store.site_id,
        site_name=site["name"] if site else _("(this site)"),
    )


def sites(store: Store) -> list[dict]:
    return store.query("SELECT id, name, _cl % 2 = 0 AS archived FROM site ORDER BY name")


def add_site(store: Store, author: str, name: str, site_id: str | None = None) -> str:
    """A site of the coop, not yet with a computer: inviting one gives it its key."""
    with store.transaction(author) as tx:
        tx.use_mandate("sites", f"added the site {name.strip()}")
        return tx.insert("site", {"name": name}, row_id=site_id)


def update_settings(store: Store, author: str, **fields: object) -> set[str]:
    """Change the coop's settings (encrypt_bundles, duty rule, idle_minutes, name...).

    Needs the "settings" mandate: a coop's rules belong to whoever holds that role this term.
    """

    if "time_zone" in fields:
        fields["time_zone"] = check_time_zone(fields["time_zone"])
    if "language" in fields:
        fields["language"] = check_language(fields["language"])
    with store.transaction(author) as tx:
        tx.use_mandate("settings", "changed the coop settings: " + ", ".join(sorted(fields)))
        return tx.update("coop", str(store.coop_id), dict(fields))


# -- the coop's time zone ---------------------------------------------------------------------


def local_time_zone() -> str | None:
    """This computer's time zone as an IANA name ("Europe/Berlin"); None if it cannot tell.

    tzlocal reads it where each system keeps it ($TZ, /etc/localtime, the Windows registry,
    macOS's settings); loaded only when a calendar is made or the setting shown.
    """
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:  # a broken or unusual system: calendars fall back to local times
        return None
    return name if name and _known_zone(name) else None


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_time_zone(name: object) -> str:
    """A time zone the coop may be set to: an IANA name, or "" for this computer's zone."""
    text = str(name or "").strip()
    if text.lower() in ("", "local", "computer"):
        return ""
    if not _known_zone(text):
        raise ValidationError(
            _(
                "{text} is not a time zone this computer knows: give a name such as "
                "Europe/Berlin or America/Mexico_City (or 'local' for this computer's "
                "zone)."
            ).format(text=text)
        )
    return text


def coop_time_zone(store: Store) -> str | None:
    """The zone the coop's shift times are in: its setting, else this computer's zone.

    A setting this computer does not know (another site's newer time zone data) falls back
    to the computer's zone too. None: no zone is known at all (times stay floating).
    """
    coop_id = store.coop_id
    row = store.get("coop", coop_id) if coop_id else None
    configured = str((row or {}).get("time_zone") or "")
    if configured and _known_zone(configured):
        return configured
    return local_time_zone()


# A shared computer returns to the member picker after this long without input (a coop
# setting, synced, so every site locks alike); 15 minutes while there is no coop row yet.
DEFAULT_IDLE_MINUTES = int(COOP.column_by_name["idle_minutes"].default)


def idle_minutes(store: Store) -> int:
    """The coop's idle lock in minutes."""
    coop_id = store.coop_id
    row = store.get("coop", coop_id) if coop_id else None
    value = row.get("idle_minutes") if row else None
    return int(value) if value else DEFAULT_IDLE_MINUTES


# -- languages ----------------------------------------------------------------------------------


def coop_language(store: Store) -> str:
    """The coop's default language ("" : English), a synced setting."""
    coop_id = store.coop_id
    row = store.get("coop", coop_id) if coop_id else None
    return str((row or {}).get("language") or "")


def member_language(store: Store, member_id: str | None) -> str:
    """The language the window speaks to ``member_id``: their own, else the coop's."""
    row = store.get("member", member_id) if member_id else None
    return str((row or {}).get("language") or "") or coop_language(store)

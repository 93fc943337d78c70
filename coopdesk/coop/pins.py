"""PINs for a shared workstation: a member with a PIN must type it to take the keyboard.

A PIN is for one computer. Its verifier, a salted scrypt hash (``scrypt$N$r$p$salt$hash``),
is kept in this store's ``_pin`` table, which is never replicated: no bundle, invitation or
``dump`` carries it. (Until schema 14 it was a replicated column of ``member``; a 4-digit
PIN is 10,000 guesses, and its hash in a bundle fell to offline guessing in 203 s on two
cores. No hash of a short PIN survives that, so the hash must not leave the computer.) The
trade-off: a member sets their PIN at each computer they use; where they have none, the
picker lets anyone choose their name, as for a member who never set one.

At the keyboard, ``PinGate`` pauses after five wrong tries, doubling each time; the count
is kept in the store's ``_local`` table (this computer's, never synced), so closing the
window or running the command line again does not reset it. The command line asks for the
PIN of a member who has one before acting as them (``confirm_member_pin``).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field

from coopdesk.base.errors import CoopDeskError, NoAuthorError, ValidationError
from coopdesk.base.i18n import _, ngettext
from coopdesk.store.store import Store

# scrypt cost: about 50 ms on a small machine; the parameters travel with each hash, so
# they can be raised later without breaking existing PINs.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
MIN_DIGITS = 4
MAX_DIGITS = 12
MAX_WRONG = 5
FIRST_PAUSE_SECONDS = 30
MAX_PAUSE_SECONDS = 3600


# For scripts acting as a member with a PIN (``--pin`` on the command line wins).
PIN_ENV = "COOPDESK_PIN"
ATTEMPTS_KEY = "pin_attempts:"


class PinLockedError(CoopDeskError):
    """Too many wrong PINs for this member: the keyboard waits ``seconds`` (so a window or
    the command line can say so in a sentence of its own, in any language)."""

    def __init__(self, message: str, seconds: int = 0) -> None:
        super().__init__(message)
        self.seconds = seconds


class PinNeededError(CoopDeskError):
    """Acting as a member who has a PIN, without giving it."""


class WrongPinError(CoopDeskError):
    """The PIN given for the member acting is not theirs."""


def _check_pin_text(pin: str) -> str:
    text = (pin or "").strip()
    if not text.isdigit() or not text.isascii() or not MIN_DIGITS <= len(text) <= MAX_DIGITS:
        raise ValidationError(
            _("A PIN is {least} to {most} digits (0-9), nothing else.").format(
                least=MIN_DIGITS, most=MAX_DIGITS
            )
        )
    return text


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    import hashlib  # here, with hmac below: opening the window checks no PIN

    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(
        pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 * 1024 * 1024
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(stored: str, pin: str) -> bool:
    """Whether ``pin`` matches the stored hash (constant-time; False for anything odd)."""
    import hashlib
    import hmac

    try:
        scheme, n, r, p, salt_hex, hash_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(hash_hex)
        digest = hashlib.scrypt(
            pin.encode(),
            salt=bytes.fromhex(salt_hex),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=128 * 1024 * 1024,
            dklen=len(expected),
        )
    except (ValueError, OverflowError, MemoryError):
        return False
    return hmac.compare_digest(digest, expected)


def _check_author(store: Store, author: str) -> None:
    """Setting a PIN logs no change by itself, so the transaction does not check the author."""
    row = store.get("member", author)
    if row is None or row["archived"]:
        raise NoAuthorError(_("Choose who is at the keyboard (an active member) first."))


def _gate(tx, author: str, member_id: str, verb: str) -> None:
    """Your own PIN is yours; someone else's needs the "members" mandate."""
    if author != member_id:
        name = tx.store.require("member", member_id)["name"]
        tx.use_mandate("members", f"{verb} the PIN of member {name}")


def set_pin(store: Store, author: str, member_id: str, pin: str) -> None:
    """Set the member's PIN on this computer only (see the module's docstring).

    Only the use of a mandate (setting someone else's PIN) is logged and travels; the
    verifier stays in ``_pin``, written in the same SQLite transaction.
    """
    with store.transaction(author) as tx:
        text = _check_pin_text(pin)
        _check_author(store, author)
        member = store.require("member", member_id)
        if member["archived"]:
            raise ValidationError(
                _("{name} is archived: restore them first.").format(name=member["name"])
            )
        stored = hash_pin(text)
        _gate(tx, author, member_id, "set")
        store.conn.execute(
            "INSERT INTO _pin (member_id, verifier, travelled) VALUES (?, ?, 0)"
            " ON CONFLICT (member_id) DO UPDATE SET verifier = excluded.verifier, travelled = 0",
            (member_id, stored),
        )


def clear_pin(store: Store, author: str, member_id: str) -> None:
    """Remove the member's PIN on this computer (their PINs elsewhere stay)."""
    with store.transaction(author) as tx:
        _check_author(store, author)
        member = store.require("member", member_id)
        if not has_pin(store, member_id):
            raise ValidationError(
                _("{name} has no PIN on this computer.").format(name=member["name"])
            )
        _gate(tx, author, member_id, "cleared")
        store.conn.execute("DELETE FROM _pin WHERE member_id = ?", (member_id,))


def _verifier(store: Store, member_id: str) -> str:
    row = store.conn.execute(
        "SELECT verifier FROM _pin WHERE member_id = ?", (member_id,)
    ).fetchone()
    return str(row[0]) if row and row[0] else ""


def has_pin(store: Store, member_id: str) -> bool:
    """Whether the member has a PIN on this computer."""
    return bool(_verifier(store, member_id))


def pin_travelled(store: Store, member_id: str) -> bool:
    """Whether the member's PIN here was set before PINs stayed on their computer: its hash
    went out in bundles, so it is worth choosing a new one."""
    row = store.conn.execute(
        "SELECT travelled FROM _pin WHERE member_id = ?", (member_id,)
    ).fetchone()
    return bool(row and row[0])


def verify_pin(store: Store, member_id: str, pin: str) -> bool:
    """Whether ``pin`` is the member's PIN here (False if they have none here)."""
    stored = _verifier(store, member_id)
    if not stored:
        return False
    return pin_matches(stored, (pin or "").strip())


@dataclass
class _Attempts:
    wrong: int = 0
    locked_until: float = 0.0


def _load_attempts(store: Store, member_id: str) -> _Attempts | None:
    value = store.local_get(ATTEMPTS_KEY + member_id)
    if not value:
        return None
    try:
        data = json.loads(str(value))
        return _Attempts(int(data["wrong"]), float(data["locked_until"]))
    except (ValueError, KeyError, TypeError):
        return None


def _save_attempts(store: Store, member_id: str, state: _Attempts | None) -> None:
    with store.local_transaction():
        if state is None:
            store.local_delete(ATTEMPTS_KEY + member_id)
        else:
            value = json.dumps({"wrong": state.wrong, "locked_until": state.locked_until})
            store.local_set(ATTEMPTS_KEY + member_id, value)


@dataclass
class PinGate:
    """Counts wrong PINs per member, on disk in the store (this computer's, never synced).

    After ``MAX_WRONG`` wrong tries in a row the member must wait 30 seconds; every wrong
    try after that doubles the pause (up to an hour). The right PIN resets the count. The
    count is read from the store at every try: the window, another window and the command
    line share it, and restarting resets nothing. Times are wall-clock seconds.
    """

    attempts: dict[str, _Attempts] = field(default_factory=dict)

    def seconds_left(self, member_id: str, now: float | None = None) -> int:
        state = self.attempts.get(member_id)
        moment = time.time() if now is None else now
        if state is None or state.locked_until <= moment:
            return 0
        # A clock set back must not lock a member out for longer than the longest pause.
        return max(1, min(MAX_PAUSE_SECONDS, int(state.locked_until - moment + 0.999)))

    def _refuse_if_locked(self, member_id: str, now: float) -> None:
        left = self.seconds_left(member_id, now)
        if left:
            raise PinLockedError(
                ngettext(
                    "Too many wrong PINs: wait {seconds} second",
                    "Too many wrong PINs: wait {seconds} seconds",
                    left,
                ).format(seconds=left),
                left,
            )

    def check(self, store: Store, member_id: str, pin: str, now: float | None = None) -> bool:
        """True if the member may take the keyboard with ``pin`` (always, without a PIN).

        Raises ``PinLockedError`` while paused, and on the wrong try that starts a pause.
        """
        moment = time.time() if now is None else now
        if not has_pin(store, member_id):
            return True
        stored = _load_attempts(store, member_id)
        if stored is None:
            self.attempts.pop(member_id, None)
        else:
            self.attempts[member_id] = stored
        self._refuse_if_locked(member_id, moment)
        if verify_pin(store, member_id, pin):
            self.reset(member_id, store)
            return True
        state = self.attempts.setdefault(member_id, _Attempts())
        state.wrong += 1
        if state.wrong >= MAX_WRONG:
            pause = min(MAX_PAUSE_SECONDS, FIRST_PAUSE_SECONDS * 2 ** (state.wrong - MAX_WRONG))
            state.locked_until = moment + pause
        _save_attempts(store, member_id, state)
        self._refuse_if_locked(member_id, moment)
        return False

    def tries_left(self, member_id: str) -> int:
        """Wrong tries left before a pause (as of the last ``check``)."""
        state = self.attempts.get(member_id)
        return MAX_WRONG - (state.wrong if state else 0)

    def reset(self, member_id: str, store: Store | None = None) -> None:
        self.attempts.pop(member_id, None)
        if store is not None:
            _save_attempts(store, member_id, None)


def confirm_member_pin(store: Store, member_id: str, pin: str | None) -> None:
    """Refuse to act as a member who has a PIN unless ``pin`` is it.

    For the command line (``--pin``, ``COOPDESK_PIN`` or a prompt); wrong tries count
    towards the same pause as at the window's keyboard.
    """
    if not has_pin(store, member_id):
        return
    name = store.require("member", member_id)["name"]
    if not pin:
        raise PinNeededError(
            _(
                "{name} has a PIN: give it with --pin DIGITS or the {variable} environment"
                " variable (or run the command in a terminal to be asked). Nothing was changed."
            ).format(name=name, variable=PIN_ENV)
        )
    gate = PinGate()
    try:
        if gate.check(store, member_id, pin):
            return
    except PinLockedError as exc:
        raise PinLockedError(
            ngettext(
                "Too many wrong PINs: wait {seconds} second before trying {name}'s PIN again."
                " Nothing was changed.",
                "Too many wrong PINs: wait {seconds} seconds before trying {name}'s PIN again."
                " Nothing was changed.",
                exc.seconds,
            ).format(seconds=exc.seconds, name=name),
            exc.seconds,
        ) from None
    left = gate.tries_left(member_id)
    if left > 0:
        raise WrongPinError(
            ngettext(
                "Wrong PIN for {name}: nothing was changed. {left} more try before a pause.",
                "Wrong PIN for {name}: nothing was changed. {left} more tries before a pause.",
                left,
            ).format(name=name, left=left)
        )
    raise WrongPinError(_("Wrong PIN for {name}: nothing was changed.").format(name=name))

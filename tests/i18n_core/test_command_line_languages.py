"""The command line in the language asked for: argparse's own words ("usage:"), the help,
``coopdesk check``'s problems and the PIN commands; ``--json`` stays English."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from coopdesk.base.i18n import set_language
from coopdesk.cli.main import main
from coopdesk.coop.members import add_member
from coopdesk.coop.pins import set_pin
from coopdesk.store.store import Store


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    set_language("en")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's help and usage errors
        code = int(exit_.code or 0)
    said = capsys.readouterr()
    return code, said.out, said.err


def test_help_and_argparse_own_words_read_in_spanish(capsys):
    code, out, _err = run(capsys, "--lang", "es", "--help")
    assert code == 0
    assert out.startswith("uso: coopdesk")
    assert "opciones:" in out
    assert "muestra este mensaje de ayuda y sale" in out
    assert "imprime JSON legible por máquina" in out  # our own help text
    assert "usage:" not in out and "show this help message" not in out


def test_a_usage_error_reads_in_french_and_arabic(capsys):
    code, _out, err = run(capsys, "--lang=fr", "member", "--bogus")
    assert code == 2
    assert err.startswith("utilisation : coopdesk [-h]")
    assert "erreur : arguments non reconnus : --bogus" in err
    code, _out, err = run(capsys, "--lang", "ar", "member", "pin")
    assert code == 2
    assert "الوسائط التالية مطلوبة: MEMBER_ID" in err


def test_english_help_is_unchanged(capsys):
    code, out, _err = run(capsys, "--help")
    assert code == 0
    assert out.startswith("usage: coopdesk")
    assert "show this help message and exit" in out


def _broken(store: Store) -> None:
    """A member row written around the store's write path: check must find it."""
    store.conn.execute(
        "INSERT INTO member (id, name, skills, _cl, _clock) VALUES"
        " ('99999999-9999-4999-8999-999999999999', 'Sneaky', '[]', 1, '{}')"
    )
    store.conn.commit()


def test_check_says_the_problems_of_a_store_in_french_and_json_stays_english(
    capsys, store, data_dir
):
    _broken(store)
    store.close()
    code, out, _err = run(capsys, "--lang", "fr", "--data-dir", str(data_dir), "check")
    assert code == 1
    assert "problème : 1 ligne de member n’a aucune modification qui l’ait créée" in out
    assert "no change that created" not in out
    code, out, _err = run(capsys, "--lang", "fr", "--json", "--data-dir", str(data_dir), "check")
    assert code == 1
    problems = json.loads(out)["problems"]
    assert "1 member row has no change that created it" in problems


def test_a_pin_command_speaks_arabic(capsys, store, ana, data_dir):
    bo = add_member(store, ana, "Bo")
    set_pin(store, ana, ana, "2468")
    store.close()
    base = ("--lang", "ar", "--data-dir", str(data_dir))
    code, _out, err = run(capsys, *base, "member", "pin", bo, "--new-pin", "12", "--pin", "2468")
    assert code == 1
    assert "رمز PIN من 4 إلى 12 أرقام (0-9)، لا غير." in err
    code, _out, err = run(capsys, *base, "member", "pin", bo, "--new-pin", "1357", "--pin", "1111")
    assert code == 1
    assert "رمز PIN خاطئ لـ Ana: لم يتغير شيء. بقيت 4 محاولات قبل التوقف المؤقت." in err
    code, out, _err = run(capsys, *base, "member", "pin", bo, "--new-pin", "1357", "--pin", "2468")
    assert code == 0
    assert (
        out.strip()
        == "تم تعيين رمز PIN. هذا الرمز لهذا الحاسوب فقط: عيّن رمزًا على كل حاسوب تستخدمه."
    )


def test_a_report_csv_has_its_headers_in_the_language(capsys, store, ana, data_dir, tmp_path):
    store.close()
    target = tmp_path / "work.csv"
    code, _out, _err = run(
        capsys, "--lang", "fr", "--data-dir", str(data_dir), "report", "work", "--csv", str(target)
    )
    assert code == 0
    header = target.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith('"Membre","Identifiant du membre","Heures de créneaux"')

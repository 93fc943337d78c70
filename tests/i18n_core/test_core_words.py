"""The core's words in Spanish, French and Arabic: complete catalogues, errors and refusals
in the language of whoever is at the keyboard, plural forms, dates; English unchanged, and
``--json`` always English (scripts read it)."""

from __future__ import annotations

import datetime as dt
import gettext
import json
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from coopdesk.base.errors import CoopDeskError
from coopdesk.base.files import output_path
from coopdesk.base.i18n import LOCALE_DIR, current_language, set_language
from coopdesk.base.text import day_text, names_text, plural, span_text, weekday_name
from coopdesk.cli.main import main
from coopdesk.coop.members import add_member, archive_member
from coopdesk.roles.mandates import MandateRequiredError
from coopdesk.roles.roles import add_role

LANGUAGES = ("es", "fr", "ar")
ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = LOCALE_DIR / "core.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "npgettext": ((1, "c"), 2, 3)}


@pytest.fixture
def language() -> Iterator[object]:
    """``language(code)`` switches; English again afterwards, whatever the test did."""
    yield set_language
    set_language("en")


def _catalog(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def _fields(text: str) -> set[str]:
    """The ``{placeholders}`` of a message, with their conversion and format spec."""
    return {
        f"{name}!{conversion or ''}:{spec or ''}"
        for _text, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    }


def _ids(messages) -> set[str | tuple[str, ...]]:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in messages if m.id}


def test_the_template_holds_every_marked_word_of_the_core():
    """A word marked in the code but missing from core.pot (extraction not run) fails here."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=[("coopdesk/gui/**", "ignore"), ("coopdesk/**.py", "python")],
        keywords=KEYWORDS,
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    template = _ids(_catalog(TEMPLATE))
    assert found - template == set(), "run pybabel extract (make translations)"
    assert template - found == set(), "core.pot holds words the code no longer has"
    assert len(template) > 600


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(code):
    template = _catalog(TEMPLATE)
    catalog = _catalog(LOCALE_DIR / code / "LC_MESSAGES" / "core.po")
    assert _ids(template) - _ids(catalog) == set(), f"run pybabel update for {code}"
    untranslated, wrong = [], []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, str):
            if not message.string:
                untranslated.append(message.id)
            elif _fields(message.string) != _fields(message.id):
                wrong.append((message.id, message.string))
            continue
        forms = list(message.string)
        if len(forms) != catalog.num_plurals or not all(forms):
            untranslated.append(message.id)
            continue
        # A form may leave the number out ("تغييران", two changes), never add a name.
        allowed = _fields(message.id[0]) | _fields(message.id[1])
        if any(not _fields(form) <= allowed for form in forms) or _fields(forms[-1]) != (
            _fields(message.id[1])
        ):
            wrong.append((message.id, forms))
    assert untranslated == []
    assert wrong == []
    assert "fuzzy" not in "".join(str(m.flags) for m in catalog if m.id)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(code):
    """The .mo the app loads says what the .po says (compiled after the last edit)."""
    catalog = _catalog(LOCALE_DIR / code / "LC_MESSAGES" / "core.po")
    with (LOCALE_DIR / code / "LC_MESSAGES" / "core.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    for message in catalog:
        if message.id and isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, message.id


def test_an_error_from_the_core_reads_in_spanish_and_english_again_after(language):
    with pytest.raises(CoopDeskError) as english:
        output_path("", "rota.pdf")
    assert str(english.value) == "Say where to write the file: no file or folder was given."
    language("es")
    with pytest.raises(CoopDeskError) as spanish:
        output_path("", "rota.pdf")
    assert str(spanish.value) == (
        "Diga dónde escribir el archivo: no se indicó ningún archivo ni carpeta."
    )
    language("en")
    with pytest.raises(CoopDeskError) as again:
        output_path("", "rota.pdf")
    assert str(again.value) == str(english.value)


def test_a_refusal_names_the_holder_in_the_language_at_the_keyboard(store, ana, language):
    ben = add_member(store, ana, "Ben")
    tomas = add_member(store, ana, "Tomás")
    today = dt.date.today()
    add_role(
        store,
        ana,
        "Coordinator",
        term_days=14,
        member_ids=[ana, ben],
        starts_on=today,
        mandates=("members",),
    )
    end = today + dt.timedelta(days=13)
    language("fr")
    with pytest.raises(MandateRequiredError) as refused:
        archive_member(store, ben, tomas)
    assert str(refused.value) == (
        "Seule la personne qui tient Coordinator pendant ce mandat peut faire ceci : Ana,"
        f" jusqu’au {day_text(end)}."
    )
    assert re.search(r"\d+ \w+", day_text(end)) and "December" not in day_text(end)


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "لا تغييرات"),
        (1, "تغيير واحد"),
        (2, "تغييران"),
        (3, "3 تغييرات"),
        (11, "11 تغييرًا"),
        (100, "100 تغيير"),
        (103, "103 تغييرات"),
    ],
)
def test_arabic_counts_take_each_of_their_six_forms(count, text, language):
    language("ar")
    assert plural(count, "change") == text


def test_counts_are_grouped_as_the_language_writes_numbers(language):
    assert plural(1204, "change") == "1,204 changes"
    language("es")
    assert plural(1204, "change") == "1.204 cambios"
    assert plural(1, "change") == "1 cambio"
    language("fr")
    assert plural(1204, "change").replace("\u202f", " ") == "1 204 changements"


@pytest.mark.parametrize(
    ("code", "this_year", "other_year", "span"),
    [
        ("en", "3 December", "3 December 2025", "3 – 30 November"),
        ("es", "3 de diciembre", "3 de diciembre de 2025", "3–30 de noviembre"),
        ("fr", "3 décembre", "3 décembre 2025", "3 – 30 novembre"),
        ("ar", "3 ديسمبر", "3 ديسمبر 2025", "3–30 نوفمبر"),
    ],
)
def test_days_and_spans_are_written_as_the_language_writes_them(
    code, this_year, other_year, span, language
):
    today = dt.date(2026, 6, 1)
    language(code)
    assert day_text(dt.date(2026, 12, 3), today) == this_year
    assert day_text(dt.date(2025, 12, 3), today) == other_year
    assert span_text(dt.date(2026, 11, 3), dt.date(2026, 11, 30), today).replace(
        "\u2009", " "
    ) == span.replace("\u2009", " ")


def test_weekdays_and_lists_of_names_follow_the_language(language):
    assert (weekday_name(1), names_text(["Ana", "Bea", "Tomás"])) == (
        "Tuesday",
        "Ana, Bea and Tomás",
    )
    language("es")
    assert (weekday_name(1), names_text(["Ana", "Bea", "Tomás"])) == ("martes", "Ana, Bea y Tomás")
    language("ar")
    assert weekday_name(1) == "الثلاثاء"
    assert names_text([]) == "لا أحد"


def test_an_unknown_language_falls_back_to_english(language):
    language("zz")  # no catalogue ("xx" is the pseudo-language)
    assert current_language() == "zz"
    assert day_text(dt.date(2026, 12, 3), dt.date(2026, 1, 1)) == "3 December"
    assert plural(2, "change") == "2 changes"


def test_the_command_line_speaks_the_language_but_json_stays_english(tmp_path, capsys, language):
    empty = str(tmp_path / "nothing-here")
    assert main(["--lang", "es", "--data-dir", empty, "task", "list"]) == 1
    said = capsys.readouterr().err
    assert "No hay ningún almacén de CoopDesk" in said
    assert main(["--lang", "es", "--json", "--data-dir", empty, "task", "list"]) == 1
    error = json.loads(capsys.readouterr().err)
    assert error["code"] == "no_store"
    assert error["error"].startswith("There is no CoopDesk store in ")


def test_what_the_store_keeps_stays_english_whoever_is_at_the_keyboard(store, ana, language):
    """A mandate's use is synced to every site: it is written in English, read in any."""
    from coopdesk.coop import activity
    from coopdesk.shifts.shifts import add_shift, cancel_shift

    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=3), dt.time(9))
    add_role(
        store,
        ana,
        "Coordinator",
        term_days=14,
        member_ids=[ana],
        starts_on=dt.date.today(),
        mandates=("shifts",),
    )
    shift = add_shift(
        store,
        ana,
        title="Shop opening",
        starts_at=start,
        ends_at=start.replace(hour=12),
        capacity=2,
    )
    language("es")
    cancel_shift(store, ana, shift)
    detail = store.query("SELECT detail FROM mandate_use")[0]["detail"]
    assert detail == f"cancelled the shift Shop opening, {start:%a} {start.day} {start:%b}"
    said = activity.recent_changes(store, limit=5)
    assert any(
        "Ana usó" in item.sentence() or "el mandato de Coordinator" in item.sentence()
        for item in said
    )
    assert all(" · sitio Kitchen · " in item.sentence() for item in said)


def test_hours_shares_and_field_errors_follow_the_language(language):
    from coopdesk.reports.words import hours_text, percent_text
    from coopdesk.store.schema import parse_date

    assert (hours_text(45), hours_text(150), hours_text(74400), percent_text(0.52)) == (
        "45 min",
        "2.5 h",
        "1,240 h",
        "52%",
    )
    language("fr")
    assert hours_text(150) == "2,5 h"
    assert percent_text(0.52).replace("\u202f", " ").replace("\xa0", " ") == "52 %"
    language("ar")
    assert hours_text(150) == "2.5 س"
    language("es")
    with pytest.raises(CoopDeskError) as refused:
        parse_date("soon", "Review date")
    assert str(refused.value) == (
        "Fecha de revisión 'soon' no es una fecha válida (escríbala como 2026-12-01)."
    )


def test_times_keep_their_order_inside_right_to_left_words(language):
    """In Arabic, "08:00–11:00" read "11:00–08:00" on the week view until isolated."""
    from coopdesk.base.text import left_to_right

    assert left_to_right("08:00–11:00") == "08:00–11:00"  # English: untouched
    language("ar")
    kept = left_to_right("08:00–11:00")
    assert kept == "\u206608:00–11:00\u2069"  # a left-to-right isolate around the range
    language("es")
    assert left_to_right("08:00–11:00") == "08:00–11:00"


@pytest.mark.parametrize(
    ("code", "count", "said"),
    [
        ("en", 1, "1 member changed"),
        ("en", 3, "3 members changed, 2 periods of leave changed"),
        ("es", 3, "3 miembros cambiados, 2 periodos de ausencia cambiados"),
        ("ar", 11, "11 عضوًا مُغيَّر، 2 فترتا إجازة مُغيَّر"),
        ("ar", 3, "3 أعضاء مُغيَّر، 2 فترتا إجازة مُغيَّر"),
    ],
)
def test_table_nouns_take_the_plural_form_of_their_count(code, count, said, language):
    """Each table declares its nouns for a count (TableSpec.counted); "members" was made
    by adding an "s" in every language."""
    from coopdesk.sync.importing import describe_counts

    language(code)
    counts = {("member", "update"): count}
    if count > 1:
        counts[("leave", "update")] = 2
    assert describe_counts(counts) == said


def test_a_table_noun_counted_keeps_the_plain_word_translated(language):
    """The counted forms live in their own context: "member" alone is still a word."""
    from coopdesk.base.i18n import _

    language("es")
    assert (_("member"), _("shift")) == ("miembro", "turno")


def test_a_split_site_and_a_decision_result_are_said_in_the_language(language):
    """What Sync, Today and ``coopdesk repair`` say of a site used on two computers, and a
    count's "more needed", read in French and Arabic, with the count's plural form."""
    from coopdesk.sync.forks import RepairResult, SplitSite

    waiting = SplitSite("b" * 36, "Kitchen", 3, set_aside=2, made_here=0, reissued=0)
    language("fr")
    assert waiting.sentence().startswith(
        "Le site Kitchen est utilisé sur deux ordinateurs (une invitation acceptée deux fois"
    )
    assert "2 transactions de l’autre sont mises de côté ici" in waiting.sentence()
    assert RepairResult([]).summary() == (
        "Rien à réparer : ici, les modifications d’aucun site n’ont deux historiques."
    )
    language("ar")
    one = SplitSite("b" * 36, "Kitchen", 3, set_aside=1, made_here=0, reissued=0)
    assert "ومعاملة واحدة من الآخر موضوعة هنا جانبًا" in one.sentence()

"""A form focuses the field a refusal is about in every language: the core's error names
its field (``ValidationError.field``), as the start of a translated message may not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coopdesk.base.errors import ValidationError
from coopdesk.base.i18n import pin_language, set_language
from coopdesk.gui.decisions.page import DecisionsPage
from coopdesk.store.schema import parse_date
from tests.gui_helpers import open_window


@pytest.fixture
def language() -> Iterator[object]:
    yield set_language
    pin_language(None)
    set_language("en")


def test_a_field_error_names_its_field_in_english_whatever_the_language(language):
    language("es")
    with pytest.raises(ValidationError) as refused:
        parse_date("soon", "Review date")
    assert str(refused.value).startswith("Fecha de revisión")
    assert refused.value.field == "Review date"


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("es", "La opción 'Red' aparece dos veces."),
        ("fr", "L’option 'Red' figure deux fois."),
        ("ar", "الخيار 'Red' مذكور مرتين."),
    ],
)
def test_a_translated_refusal_focuses_its_field(qtbot, store, ana, language, code, said):
    """Spanish and French start "La opción", "L’option": not the field's label."""
    pin_language(code)  # as ``coopdesk --lang``: whoever is at the keyboard
    language(code)
    window = open_window(qtbot, store, ana)
    page = window.go_to("decisions")
    assert isinstance(page, DecisionsPage)
    page.add_new()
    dialog = page.dialog
    dialog.title_edit.setText("Paint the door")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("single"))
    dialog.options_edit.setPlainText("Red\nBlue\nRed")
    dialog.title_edit.setFocus()
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error_label.text() == said
    assert dialog.focusWidget() is dialog.options_edit


def test_starting_a_coop_without_its_name_names_the_field_in_french(tmp_path, language):
    """The welcome form focused the field whose English label began the message: the
    label is translated now, and the error says which field it is about."""
    from coopdesk.coop import start_coop

    language("fr")
    with pytest.raises(ValidationError) as refused:
        start_coop(tmp_path / "site", "", "Kitchen", "Ana")
    assert refused.value.field == "Coop name"
    assert not str(refused.value).startswith("Coop name")

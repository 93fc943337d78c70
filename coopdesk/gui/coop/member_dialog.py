"""Adding or editing a member: a form that the core validates.

The dialog does not judge the values itself; it hands them to ``save`` (which calls the core)
and, if that raises a ``CoopDeskError``, shows the message inline and stays open, with the
cursor in the field the message is about. Nothing is written unless the save succeeded.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from coopdesk.base.i18n import _
from coopdesk.gui.kit.form_dialog import FormDialog, SaveFunction
from coopdesk.gui.kit.language_combo import language_combo


class MemberDialog(FormDialog):
    """Name, email, phone, skills (comma-separated), home site, language and notes of one
    member.

    ``saved`` carries the member's id.
    """

    def __init__(
        self,
        sites: list[dict[str, Any]],
        save: SaveFunction,
        member: dict[str, Any] | None = None,
        default_site_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("Edit {name}").format(name=member["name"]) if member else _("Add member"),
            save,
            parent,
            _("Save") if member else _("Add member"),
        )
        self.member = member
        self.setMinimumWidth(440)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("Full name, as people know them"))
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText(_("name@example.org (optional)"))
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(_("optional"))
        self.skills_edit = QLineEdit()
        self.skills_edit.setPlaceholderText(_("cooking, driving, first aid"))
        # The window switches to it when this member takes the keyboard.
        self.language_combo = language_combo(
            (member or {}).get("language") or "", _("The coop's language")
        )
        self.language_combo.setToolTip(
            _("The window's language while this member is at the keyboard")
        )
        self.site_combo = QComboBox()
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)

        home_site_id = member["home_site_id"] if member else default_site_id
        for site in sites:
            if site["archived"] and site["id"] != home_site_id:
                continue
            self.site_combo.addItem(site["name"], site["id"])
        self.site_combo.addItem(_("No home site"), None)
        position = self.site_combo.findData(home_site_id)
        self.site_combo.setCurrentIndex(position if position >= 0 else 0)

        if member:
            self.name_edit.setText(member["name"])
            self.email_edit.setText(member["email"] or "")
            self.phone_edit.setText(member["phone"] or "")
            self.skills_edit.setText(", ".join(member["skills"]))
            self.notes_edit.setPlainText(member["notes"] or "")

        form = QFormLayout()
        form.addRow(_("&Name"), self.name_edit)
        form.addRow(_("&Email"), self.email_edit)
        form.addRow(_("&Phone"), self.phone_edit)
        form.addRow(_("S&kills"), self.skills_edit)
        form.addRow(_("&Home site"), self.site_combo)
        form.addRow(_("&Language"), self.language_combo)
        form.addRow(_("N&otes"), self.notes_edit)
        self.save_button = self.ok_button
        self.lay_out(form)
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.field_for_error = {
            "Name": self.name_edit,
            "Email": self.email_edit,
            "Phone": self.phone_edit,
            "Skills": self.skills_edit,
            "Tags": self.skills_edit,
            "Home site": self.site_combo,
            "Notes": self.notes_edit,
        }

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name_edit.text(),
            "email": self.email_edit.text(),
            "phone": self.phone_edit.text(),
            "skills": self.skills_edit.text(),
            "home_site_id": self.site_combo.currentData(),
            "notes": self.notes_edit.toPlainText(),
            "language": str(self.language_combo.currentData() or ""),
        }

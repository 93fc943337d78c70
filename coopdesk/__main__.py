"""``python -m coopdesk`` runs the same entry point as the ``coopdesk`` command."""

from coopdesk.cli.main import run_program

run_program()

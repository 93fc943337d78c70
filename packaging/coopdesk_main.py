"""Entry point of the packaged app: PyInstaller freezes this script, not the console script.

It only hands over to the same ``run_program`` that ``coopdesk`` runs from a checkout, so the
packaged app and the development one parse the same command line.
"""

from coopdesk.cli.main import run_program

if __name__ == "__main__":
    run_program()

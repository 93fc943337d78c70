"""Entry point of the packaged app: PyInstaller freezes this script, not the console script.

It only hands over to the same ``main`` that ``coopdesk`` runs from a checkout, so the
packaged app and the development one parse the same command line.
"""

import sys

from coopdesk.cli.main import main

if __name__ == "__main__":
    sys.exit(main())

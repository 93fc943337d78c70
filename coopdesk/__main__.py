"""``python -m coopdesk`` runs the same entry point as the ``coopdesk`` command."""

import sys

from coopdesk.cli.main import main

sys.exit(main())

"""CoopDesk: an offline-first desktop app for small cooperatives.

The package is split in two: the core (every module directly under ``coopdesk``) holds the
domain rules and the store and never imports Qt; ``coopdesk.gui`` is the Qt front end. The
command line (``coopdesk.cli``) and the window call the same core functions.
"""

__version__ = "0.1.0"

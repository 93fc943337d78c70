"""The Qt front end. Everything here is a view over the core; no domain rules live here.

Building blocks later pages reuse:

- ``hub.StoreHub``: one per store; re-emits "these tables changed" as a Qt signal.
- ``lazy_model.LazyTableModel``: a table model over ordered ids, rows fetched in pages.
- ``tasks.run_task`` / ``tasks.run_store_task``: long work off the GUI thread, with progress.
- ``pages.base.Page``: a section of the main window (search, add, refresh-on-change).
"""

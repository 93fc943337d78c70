"""The sections of the main window, one page each (see ``base.Page``)."""

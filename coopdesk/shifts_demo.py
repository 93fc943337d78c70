"""Demo data: a month of shifts with realistic sign-ups (see ``coopdesk.demo``)."""

from __future__ import annotations

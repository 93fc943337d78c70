"""Demo data: a food bank's pantry across two sites (see ``coopdesk.demo``)."""

from __future__ import annotations

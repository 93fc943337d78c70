"""Sync between sites: bundles, keys and trust, export and import, merge, peers and backups."""

from coopdesk.base.feature import Feature

FEATURE = Feature(name="sync")

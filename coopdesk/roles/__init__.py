"""Rotating roles and their mandates: who holds each role this term, and what it may do."""

from coopdesk.base.feature import Feature
from coopdesk.roles.tables import TABLES

FEATURE = Feature(name="roles", tables=TABLES, demo_steps=((70, "coopdesk.roles.demo:demo_roles"),))

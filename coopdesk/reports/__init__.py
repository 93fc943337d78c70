"""Fair share, visible: who carries the work, who has held authority, where supplies go.

A feature with no tables of its own: its reports are queries over the other features' public
functions, so every site computes the same report from the same synced rows.
"""

from coopdesk.base.feature import Feature, Section, public_api

FEATURE = Feature(
    name="reports",
    commands="coopdesk.cli.reports",
    command_words=("report",),
    # Last in the sidebar, so the sections before keep their Ctrl+digit; it gets Ctrl+0.
    sections=(Section("reports", "Reports", "coopdesk.gui.reports.page:ReportsPage", order=80),),
    today="coopdesk.gui.reports.today:build_panels",
)

# The names other features may use, each loaded from its module on first use.
__getattr__, __dir__, __all__ = public_api(
    __name__,
    {
        "authority": ("AuthorityReport", "authority_report", "authority_rows"),
        "period": ("Period", "last_year", "make_period", "this_month"),
        "spread": ("Spread", "gini"),
        "supplies": ("SuppliesReport", "supplies_report", "supplies_rows"),
        "work": ("WorkReport", "member_share_text", "work_report", "work_rows"),
        "words": ("hours_text", "percent_text"),
    },
)

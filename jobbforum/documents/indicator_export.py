"""The indicator table as CSV or JSON text (the CLI's output and the page's downloads)."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from jobbforum.documents.attendance_export import write_csv
from jobbforum.services.indicators import GOALS, INDICATOR_COLUMNS, IndicatorRow


def indicators_csv(rows: Sequence[IndicatorRow]) -> str:
    """CSV with a header; suppressed cells empty."""
    out = io.StringIO(newline="")
    write_csv((tuple(r.as_dict().values()) for r in rows), out, columns=INDICATOR_COLUMNS)
    return out.getvalue()


def indicators_json(rows: Sequence[IndicatorRow]) -> str:
    """JSON ``{"goals": …, "rows": [...]}``; suppressed cells ``null``."""
    return json.dumps({"goals": GOALS, "rows": [r.as_dict() for r in rows]},
                      ensure_ascii=False, indent=2) + "\n"

"""A bar chart of presence per period, written as PNG with matplotlib's Agg renderer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from pantau.analytics.presence import PresenceRule
from pantau.errors import OutputError

#: at most this many period labels on the x axis; more would overlap
MAX_TICKS = 24


def plot_presence(periods: pa.Table, rule: PresenceRule, by: str, path: str | Path) -> Path:
    """Days present and ship-days per period, side by side; the title names the zone,
    the category and the rule version, so the chart is never shown without its rule."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise OutputError(f"{path}: --plot writes PNG, give a file name ending in .png")
    # imported here: matplotlib takes a noticeable share of a second to import, and only
    # this command needs it; the Agg canvas needs no display and no global pyplot state
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    labels = [str(v) for v in periods["period"].to_pylist()]
    n = len(labels)
    fig = Figure(figsize=(min(max(6.0, 0.25 * n + 2.0), 14.0), 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = np.arange(n)
    # a period without data is not a period without presence: shade it so the chart
    # cannot be read as "absent" where nothing was received
    blind = np.flatnonzero(np.asarray(periods["days_with_data"].to_pylist(), np.int64) == 0)
    for k, i in enumerate(blind):
        ax.axvspan(i - 0.5, i + 0.5, color="0.9", zorder=0,
                   label="no data" if k == 0 else None)
    ax.bar(x - 0.2, periods["days_present"].to_pylist(), 0.4, label="days present")
    ax.bar(x + 0.2, periods["ship_days"].to_pylist(), 0.4, label="ship-days")
    step = max(1, -(-n // MAX_TICKS))
    ax.set_xticks(x[::step], labels[::step], rotation=45, ha="right", fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    peak = max([1, *periods["ship_days"].to_pylist()])  # ship-days >= days present
    ax.set_ylim(0, peak * 1.05)
    ax.set_ylabel("days / ship-days")
    ax.set_xlabel(by)
    if n:
        ax.set_xlim(-0.5, n - 0.5)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    else:
        ax.text(0.5, 0.5, "no data in range", ha="center", va="center",
                transform=ax.transAxes)
    digest = f"polygon sha256:{rule.zone_digest[:12]}…" if rule.zone_digest else (
        "polygon digest unknown")
    ax.set_title(f"Presence in {rule.zone}: {rule.who}, per {by}\n"
                 f"rule {rule.version}, {digest}", fontsize=10)
    try:
        fig.savefig(path, format="png", dpi=100)
    except OSError as e:
        raise OutputError(f"{path}: cannot write the plot ({e.strerror or e})") from None
    return path

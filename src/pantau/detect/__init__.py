"""Behaviour detectors: pure steps over per-vessel sorted positions, one module each.

>>> from pantau.detect import Runner, Context, frame_from_table   # doctest: +SKIP
>>> runner = Runner(ctx)                                           # doctest: +SKIP
>>> report = runner.step(frame_from_table(positions), history, final=True)  # doctest: +SKIP
>>> report.events                                                  # doctest: +SKIP
"""

from pantau.detect.base import Batch, Context, Detector, Vessels
from pantau.detect.errors import DetectError
from pantau.detect.events import KINDS, Event, dumps_jsonl, events_table, sort_events
from pantau.detect.frame import Frame, frame_from_table
from pantau.detect.runner import Runner, StepReport, default_detectors

__all__ = [
    "KINDS", "Batch", "Context", "DetectError", "Detector", "Event", "Frame", "Runner",
    "StepReport", "Vessels", "default_detectors", "dumps_jsonl", "events_table",
    "frame_from_table", "sort_events",
]

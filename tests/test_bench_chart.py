"""The benchmark chart's strategy labels can be read: inside the picture, none overlapping."""

import itertools
import json

from bench.report import CHART_DPI, chart_figure
from template_facts import ROOT

RESULTS = ROOT / "docs" / "benchmarks" / "results.json"


def test_the_chart_labels_do_not_overlap() -> None:
    figure = chart_figure(json.loads(RESULTS.read_text()))
    figure.set_dpi(CHART_DPI)
    figure.draw_without_rendering()  # lays the labels out where savefig puts them
    (axes,) = figure.axes
    boxes = [label.get_window_extent() for label in axes.get_xticklabels()]

    assert len(boxes) > 1
    assert figure.bbox.x0 <= boxes[0].x0
    assert boxes[-1].x1 <= figure.bbox.x1
    for left, right in itertools.pairwise(boxes):
        assert left.x1 < right.x0, (left, right)

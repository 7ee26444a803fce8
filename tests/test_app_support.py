"""Helpers shared by the AppTest-based tests of the Streamlit app (tests/test_app*.py).

No tests here: the functions start the app, open pages and read figures back.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

# AppTest runs the script without a browser session; Streamlit says so on every cached call.
for _name in ("streamlit.runtime.scriptrunner_utils.script_run_context",
              "streamlit.runtime.state.session_state_proxy"):
    logging.getLogger(_name).setLevel(logging.ERROR)

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def start_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, lang: str = "en") -> AppTest:
    """The app on the demo scenario, with a private store and upload folder."""
    monkeypatch.setenv("PVPLANNER_OFFLINE", "1")
    monkeypatch.setenv("PVPLANNER_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    monkeypatch.setenv("PVPLANNER_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert_clean(at)
    return at


def goto(at: AppTest, page: str) -> AppTest:
    """Open a page of the navigation (as a click in the sidebar would)."""
    at.session_state["_goto"] = page
    at.run()
    return at


def assert_clean(at: AppTest) -> None:
    """No exception escaped and no error box is shown."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metric(at: AppTest, label: str, *, sidebar: bool = False) -> str:
    """The value of the metric with this label (main area, or the sidebar)."""
    where = at.sidebar if sidebar else at.main
    values = [m.value for m in where.metric if m.label == label]
    assert values, f"no metric {label!r}; have {[m.label for m in where.metric]}"
    return values[0]


def number(text: str) -> float:
    """The number in a formatted figure: ``CNY 4.42M`` -> 4.42e6, ``1,510 tCO₂`` -> 1510."""
    import re

    match = re.search(r"-?[\d,]+(?:\.\d+)?", text)
    assert match, text
    value = float(match.group(0).replace(",", ""))
    scale = {"k": 1e3, "M": 1e6, "bn": 1e9, "万": 1e4, "亿": 1e8}
    suffix = re.match(r"\s*(bn|k|M|万|亿)(?![A-Za-z])", text[match.end():])
    return value * scale[suffix.group(1)] if suffix else value


def shown(markdown: str) -> str:
    """Markdown source as a reader sees it: the backslash escapes of user text
    (:func:`pvplanner.app.widgets.plain`) removed."""
    import re

    return re.sub(r"\\([\\`*_{}\[\]()<>#+\-.!|~$:&])", r"\1", markdown)


def flat(node) -> list:
    """Every element of a page in display order."""
    out = []
    children = getattr(node, "children", None)
    if children is None:
        return [node]
    for key in sorted(children):
        out.extend(flat(children[key]))
    return out


def position(elements: list, kind: str, predicate) -> int:
    """Index of the first element of ``kind`` (e.g. ``"error"``) that matches."""
    for i, element in enumerate(elements):
        if getattr(element, "type", None) == kind and predicate(element):
            return i
    raise AssertionError(f"no {kind} element matches")


def charts(at: AppTest) -> list[dict]:
    """Vega-Lite specs of the Altair charts on the page."""
    import json

    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def chart_frames(chart) -> dict:
    """The data sets of one chart element as DataFrames, by name."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    return {item.name: convert_arrow_bytes_to_pandas_df(item.data.data)
            for item in chart.proto.datasets}


def find_chart(at: AppTest, needle: str):
    """The first chart whose Vega-Lite spec mentions ``needle`` (a field name...)."""
    for chart in at.get("vega_lite_chart"):
        if needle in chart.proto.spec:
            return chart
    raise AssertionError(f"no chart mentions {needle!r}")

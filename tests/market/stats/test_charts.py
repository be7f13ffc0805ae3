"""Charts drawn as SVG on the server: one bar per month or label, text escaped, figures in
Vietnamese format."""

import re
from xml.etree import ElementTree

from market.stats.charts import horizontal_bars, monthly_bars


def test_monthly_bars_draw_a_bar_per_month_and_last_year_as_one_line():
    svg = monthly_bars(["10/25", "11/25", "12/25"], [1200, 0, 3400], [900, 1000, 0], "Giao dịch")
    ElementTree.fromstring(svg)  # well-formed: a page can inline it
    assert svg.count('class="bar"') == 3
    assert svg.count("<polyline") == 1
    assert "3.400" in svg and "<title>12/25: 3.400</title>" in svg


def test_bars_grow_with_their_value_and_zero_is_flat():
    svg = monthly_bars(["a", "b"], [0, 500], [0, 0], "t")
    heights = [float(h) for h in re.findall(r'class="bar"[^>]*height="([\d.]+)"', svg)]
    assert heights[0] == 0 and heights[1] > 0


def test_labels_from_the_data_are_escaped():
    svg = horizontal_bars([("Chợ <A> & B", 5), ("Chợ C", 9)], 'Theo "chợ"')
    ElementTree.fromstring(svg)
    assert "Chợ &lt;A&gt; &amp; B" in svg and "<A>" not in svg
    assert svg.index("Chợ C") < svg.index("Chợ &lt;A&gt;")  # longest bar first


def test_an_empty_chart_is_still_a_valid_picture():
    for svg in (monthly_bars([], [], [], "trống"), horizontal_bars([], "trống")):
        assert ElementTree.fromstring(svg).tag == "svg"

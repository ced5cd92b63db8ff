"""Figure builders: pure functions from tidy frames to plotly figures (no browser)."""
import pandas as pd

from layouts import figures


def test_lines_one_trace_per_series_in_palette_with_markers():
    f = pd.DataFrame({"year": [2017, 2020, 2017, 2020], "value": [1, 2, 3, 4], "s": ["a", "a", "b", "b"]})
    fig = figures.lines(f, "year", "value", "s", "Title", "People")
    assert [t["name"] for t in fig["data"]] == ["a", "b"]
    assert fig["data"][0]["line"]["color"] == figures.OKABE_ITO[0]
    assert fig["data"][0]["marker"]["symbol"] != fig["data"][1]["marker"]["symbol"]
    assert fig["layout"]["title"]["text"] == "Title" and fig["layout"]["height"] == 450


def test_horizontal_bars_wrap_long_labels_and_keep_full_text_in_hover():
    label = "Adults with a learning disability supported throughout the year per 100,000"
    fig = figures.bars(pd.DataFrame({"k": [label], "v": [5.0]}), "k", "v", "T", horizontal=True)
    assert "<br>" in fig["data"][0]["y"][0] and fig["data"][0]["hovertext"][0] == label


def test_empty_frame_gives_a_message_not_an_error():
    fig = figures.bars(pd.DataFrame(columns=["k", "v"]), "k", "v", "T")
    assert fig["layout"]["annotations"][0]["text"] == "No data for this selection"


def test_tile_map_places_four_neighbourhoods_and_shows_suppressed_text():
    f = pd.DataFrame({"neighbourhood": ["N1", "N2", "N3", "N4"], "name": ["North Lewisham", "Central Lewisham",
                      "South East Lewisham", "South West Lewisham"], "value": [10, None, 30, 40],
                      "display": ["10", "<5", "30", "40"], "tile_col": [0.5, 0.5, 1, 0], "tile_row": [2, 1, 0, 0]})
    fig = figures.tile_map(f, "value", "Demand")
    assert len(fig["layout"]["shapes"]) == 4
    # Positions come from the profile's lookup: North Lewisham's tile sits at column 0.5, row 2.
    assert (fig["layout"]["shapes"][0]["x0"], fig["layout"]["shapes"][0]["y0"]) == (0.5, 2)
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    assert any("<5" in t for t in texts) and any("North<br>Lewisham" in t for t in texts)


def test_tile_map_without_positions_lays_any_number_of_tiles_out_in_rows_of_three():
    f = pd.DataFrame({"neighbourhood": list("ABCDE"), "name": list("ABCDE"), "value": [1, 2, 3, 4, 5]})
    shapes = figures.tile_map(f, "value", "Demand")["layout"]["shapes"]
    assert [(s["x0"], s["y0"]) for s in shapes] == [(0, 1), (1, 1), (2, 1), (0, 0), (1, 0)]


def test_spine_groups_indicators_by_verdict():
    f = pd.DataFrame({"indicator_name": ["A", "B"], "period": ["2016", "2016"], "sex": ["Persons"] * 2,
                      "value": [120.0, 90.0], "lower_ci": [110.0, 85.0], "upper_ci": [130.0, 95.0],
                      "england_value": [100.0, 100.0], "region_value": [105.0, 98.0],
                      "compared_to_england": ["worse", "better"]})
    fig = figures.spine(f, "Indicators")
    names = [t["name"] for t in fig["data"]]
    assert "Worse than England (95% CI)" in names and "Better than England (95% CI)" in names and "Region" in names
    worse = next(t for t in fig["data"] if t["name"].startswith("Worse"))
    assert numbers(worse["x"])[0] == 120.0  # relative to England = 100


def numbers(array):
    """Plotly 6+ sends numeric arrays as typed binary ({dtype, bdata}); decode for checking."""
    if isinstance(array, dict) and "bdata" in array:
        import base64
        import numpy as np
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def test_money_reads_as_pounds_million_or_thousand_with_stated_rounding():
    assert figures.money(268_000_000) == "£268.0m" and figures.money(84_570_000) == "£84.6m"
    assert figures.money(40_000) == "£40k" and figures.money(5_588_000) == "£5.6m" and figures.money(None) == ""
    assert "£0.1m" in figures.MONEY_ROUNDING and "£1k" in figures.MONEY_ROUNDING


def test_money_bars_put_268m_and_40k_on_a_labelled_log_axis_so_both_can_be_read():
    f = pd.DataFrame({"k": ["Net spend budget (2014/15)", "Council contribution (2018/19)"],
                      "v": [268_000_000, 40_000]})
    fig = figures.money_bars(f, "k", "v", "T")
    x = fig["layout"]["xaxis"]
    assert x["type"] == "log" and "logarithmic" in x["title"]["text"]
    assert x["ticktext"][0] == "£10k" and "£100m" in x["ticktext"]
    assert list(fig["data"][0]["text"]) == ["£268.0m", "£40k"]


def test_homes_and_beds_get_a_panel_and_an_axis_each():
    f = pd.DataFrame({"group": ["Good", "Requires improvement"], "homes": [20, 4], "beds": [494, 176]})
    fig = figures.homes_and_beds(f, "group", "T")
    assert [(t["name"], t["xaxis"]) for t in fig["data"]] == [("Homes", "x"), ("Beds", "x2")]
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["Care homes (number)", "Beds (number)"]
    assert fig["layout"]["xaxis2"]["range"][1] > 494 > fig["layout"]["xaxis"]["range"][1]


def test_tile_map_says_its_shading_in_words_and_each_square_is_clickable():
    f = pd.DataFrame({"area_code": ["N1", "N2", "N3", "N4"], "name": ["North", "Central", "South West", "South East"],
                      "value": [7.5, 10.7, 23.6, 23.3]})
    fig = figures.tile_map(f, "value", "T")
    key = fig["layout"]["annotations"][-1]["text"].replace("<br>", " ")
    # (23.6 - 7.5) / 4 = 4.025 per shade: 7.5-11.5, 11.5-15.6, 15.6-19.6, 19.6-23.6.
    assert "lightest 7.5 to 11.5; light 11.5 to 15.6; dark 15.6 to 19.6; darkest 19.6 to 23.6" in key
    assert "grey: no data" in key and "Click a square" in key
    assert fig["data"][0]["customdata"] == [["N1"], ["N2"], ["N3"], ["N4"]]


def test_contract_timeline_rows_are_as_tall_as_their_names():
    """Names wrap to 26 characters a line; a three-line name needs 3 x 18 + 14 = 68 px a row, and
    plotly gives every row the same height: 16 contracts with one such name are 16 x 68 + 170 px tall
    (they were 46 px a row and overlapped on a phone). The legend sits below the axis title."""
    import pandas as pd
    from layouts.figures import timeline
    names = ["Continuing Healthcare Nursing Home Placements (block)"] + [f"Service {i}" for i in range(15)]
    frame = pd.DataFrame({"title": names, "start": ["2015-04-01"] * 16, "end": ["2018-03-31"] * 16,
                          "value": [1000.0] * 16})
    fig = timeline(frame, "title", "start", "end", "value", "t")
    layout = fig["layout"] if isinstance(fig, dict) else fig.to_plotly_json()["layout"]
    assert layout["height"] == 16 * 68 + 170
    assert round(layout["legend"]["y"] * layout["height"]) == -110


def test_an_empty_chart_is_built_once_per_message_and_handed_out_as_a_copy():
    """`empty` is what plotly builds for the message (hidden axes, the message in their place),
    built once per message: pages draw many, and each build cost ~11 ms of plotly's validation.
    A caller that changes its figure changes only its own."""
    import plotly.graph_objects as go
    figures._empty.cache_clear()
    first = figures.empty("Nothing for this selection")
    fresh = go.Figure()
    fresh.add_annotation(text="Nothing for this selection", showarrow=False, font=dict(size=16))
    fresh.update_xaxes(visible=False)
    fresh.update_yaxes(visible=False)
    assert first == figures._base(fresh, "")
    first["layout"]["annotations"][0]["text"] = "changed"
    first["layout"]["template"]["layout"]["font"]["size"] = 99
    again = figures.empty("Nothing for this selection")
    assert again["layout"]["annotations"][0]["text"] == "Nothing for this selection"
    assert again["layout"]["template"] == figures.TEMPLATE_JSON and figures.TEMPLATE_JSON["layout"]["font"]["size"] == 14
    assert figures._empty.cache_info().misses == 1 and figures._empty.cache_info().hits == 1
    assert figures.empty("Another message")["layout"]["annotations"][0]["text"] == "Another message"

"""Area profile: the print button (the browser's own print, with the page's print styles)."""
from dash import Input, Output

from layouts import ids
from .common import PageCallbacks

page = PageCallbacks("area")
page.clientside("function(n) { if (n) { window.print(); } return ''; }",
                Output(ids.AREA_PRINT_SINK, "children"), Input(ids.AREA_PRINT, "n_clicks"),
                prevent_initial_call=True)

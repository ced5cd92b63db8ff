"""Dash pages, one module per MPS section; each calls `dash.register_page` with its path, name,
order and `layout(**query)`.

`PAGES` is the list of pages the app serves, in the order they are imported: adding a page is
one page module here, its callbacks beside it in `callbacks/<same name>.py` (if it has any), and
one entry below (docs/architecture.md, "Add a page").
"""
PAGES: tuple[str, ...] = (
    "overview", "population", "demand", "supply", "gaps", "neighbourhoods", "opportunities",
    "performance", "resources", "downloads", "about",
)

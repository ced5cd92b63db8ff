"""Dash pages, one module per MPS section; each calls `dash.register_page` with its path, its
navigation name and `order` (its place in the navigation), and `layout(**query)`.

`page_names()` lists them: adding a page is one module here, its callbacks beside it in
`callbacks/<same name>.py` if it has any, and its component ids in `layouts/ids.py`
(docs/architecture.md, "Add a page").
"""
import pkgutil


def page_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))

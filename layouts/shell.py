"""The page frame: skip link, header with the authority's name, navigation, main, footer.

Follows the GOV.UK Design System's patterns (skip link first, header, phase-free nav, one h1 per
page) with the authority's own name and colours: no crown, logotype or GDS Transport font.
"""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

import dash

from dash import dcc, html

from store import COMPARATOR_SETS, memo

from . import context, ids


def nav(authority: str | None = None, comparators: str | None = None) -> html.Nav:
    """The sections; with a non-default authority or a chosen comparator set every link carries
    `?authority=` / `?comparators=` so moving between pages keeps them."""
    query = urlencode({k: v for k, v in (("authority", authority), ("comparators", comparators)) if v})
    query = f"?{query}" if query else ""
    links = [html.Li(dcc.Link(page["name"], href=page["relative_path"] + query, className="nav-link"))
             for page in dash.page_registry.values() if page.get("nav", True)]
    return html.Nav(html.Ul(links, className="nav-list"), id=ids.NAV, className="site-nav",
                    **{"aria-label": "Sections of the Market Position Statement"})


def _authority_options(store) -> list[tuple[str, html.Option]]:
    """(code, unselected option) for each authority the store has rows for, made once per store
    version (its path: the header is drawn within a request, on the pinned version) and shared by
    every request, which copies only the chosen one: a national store lists ~150 authorities, and
    making that many components took most of the header's time on every page. Never mutated."""
    # The store's one cache, bounded in bytes across everything it keeps (store.memo), keyed by version.
    return memo.cached("layouts.shell.authority_options", (str(store.path), store.version),
                       lambda: [(code, html.Option(f"{name} ({code})", value=code, selected=False))
                                for code, name in store.authorities()])


def picker(store) -> html.Form:
    """The authority and comparator pickers: native selects (labelled, keyboard usable, work
    without script) in a GET form on the current page, so choosing and pressing Show loads the
    same page with `?authority=CODE&comparators=SET`. The authority select lists every authority
    the store has rows for (left out when there is only one); the comparator select the sets of
    `store.COMPARATOR_SETS` after a "Default" (no choice: the profile's list where the
    profile's authority has one, else the region; an empty `comparators=` is no choice), the one
    chosen selected, so switching authority does not carry one authority's set to another."""
    choices = _authority_options(store)
    current = store.authority.area_code
    authority = [
        html.Label("Authority", htmlFor=ids.AUTHORITY_PICKER, className="picker-label"),
        html.Select([html.Option(option.children, value=code, selected=True) if code == current else option
                     for code, option in choices], id=ids.AUTHORITY_PICKER, name="authority",
                    className="picker-select"),
    ] if len(choices) >= 2 else []
    chosen = store.view_query().get("comparators", "")
    options = [("", "Default (the profile's list, else the region)"),
               *((key, label[:1].upper() + label[1:]) for key, label in COMPARATOR_SETS.items())]
    comparators = [
        html.Label("Compare with", htmlFor=ids.COMPARATOR_PICKER, className="picker-label"),
        html.Select([html.Option(label, value=key, selected=key == chosen) for key, label in options],
                    id=ids.COMPARATOR_PICKER, name="comparators", className="picker-select"),
    ]
    return html.Form([
        *authority, *comparators,
        html.Button("Show", type="submit", id=ids.AUTHORITY_PICKER + "-show", className="picker-button"),
    ], method="get", className="authority-picker", role="search",
        **{"aria-label": "Choose the authority the pages show and the councils it is compared with"})


def layout():
    """The frame Dash serves at `/_dash-layout`, fetched by script after the page loads: nothing
    in it depends on the authority, since that request does not carry the page's address. The
    header with the authority's name and pickers, the navigation and the notices are drawn with
    each page (`framed`), from the page's own arguments."""
    return html.Div([
        html.A("Skip to main content", href="#" + ids.MAIN, className="skip-link"),
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        dash.page_container,
        html.Footer(html.P(["Figures come from the files listed on ",
                            dcc.Link("About the data", href="/about"), "."]), className="site-footer"),
    ], className="page")


def framed(page_layout):
    """A page's `layout(**query)` as Dash Pages calls it (with the address's query as arguments):
    `authority` and `comparators` choose the view (`context.use_view`), the page's own layout gets
    the rest of the query, and its content comes inside the frame that names the authority
    (`frame`). `app.create_app` registers every page's layout so, once."""
    if getattr(page_layout, "framed", False):
        return page_layout

    @wraps(page_layout)
    def page(authority=None, comparators=None, **query):
        context.use_view(authority, comparators)
        return frame(page_layout(**query))
    page.framed = True
    return page


def frame(content) -> list:
    """The header (the authority's name, logo and pickers), the navigation, the notices about the
    chosen view and `content` in the main landmark, all for this request's view."""
    store = context.store()
    problem = context.authority_problem()
    comparator_problem = context.comparator_problem()
    chosen = store.authority.area_code
    own = store.default_authority.area_code
    authority = store.authority.area_name
    branding = store.manifest.branding
    organisation = branding.get("organisation") or (authority and f"{authority} Council") or "Your council"
    if chosen != own:  # another authority's figures: its name, not the profile's branding
        organisation = f"{authority} Council" if authority else organisation
    return [
        html.Header([
            html.Div([
                html.Img(src="/branding/logo", alt=f"{organisation} logo", className="org-logo")
                if branding.get("logo") else None,
                html.Span(organisation, className="org-name"),
                html.Span("Market Position Statement: adult social care", className="service-name"),
                picker(store),
            ], className="header-inner"),
        ], className="site-header", style={"borderBottomColor": branding.get("primary_colour", "#005EA5")}),
        nav(chosen if chosen != own else None, store.view_query().get("comparators")),
        html.Div(problem, id=ids.AUTHORITY_PROBLEM, role="alert", className="authority-problem") if problem else None,
        html.Div(comparator_problem, id=ids.COMPARATOR_PROBLEM, role="alert", className="authority-problem")
        if comparator_problem else None,
        html.Main(content, id=ids.MAIN, tabIndex="-1", className="main"),
    ]

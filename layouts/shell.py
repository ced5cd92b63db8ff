"""The page frame: skip link, header with the authority's name, navigation, main, footer.

Follows the GOV.UK Design System's patterns (skip link first, header, phase-free nav, one h1 per
page) with the authority's own name and colours: no crown, logotype or GDS Transport font.
"""
from __future__ import annotations

import dash
from dash import dcc, html

from . import context, ids


def nav(authority: str | None = None) -> html.Nav:
    """The sections; with a non-default authority every link carries `?authority=` so moving
    between pages keeps it."""
    query = f"?authority={authority}" if authority else ""
    links = [html.Li(dcc.Link(page["name"], href=page["relative_path"] + query, className="nav-link"))
             for page in dash.page_registry.values() if page.get("nav", True)]
    return html.Nav(html.Ul(links, className="nav-list"), id=ids.NAV, className="site-nav",
                    **{"aria-label": "Sections of the Market Position Statement"})


def picker(store) -> html.Form | None:
    """The authority picker: a native select (labelled, keyboard usable, works without script)
    of every authority the store has rows for, in a GET form on the current page, so choosing
    one and pressing Show loads the same page with `?authority=CODE`."""
    choices = store.authorities()
    if len(choices) < 2:
        return None
    current = store.authority.area_code
    return html.Form([
        html.Label("Authority", htmlFor=ids.AUTHORITY_PICKER, className="picker-label"),
        html.Select([html.Option(f"{name} ({code})", value=code, selected=code == current)
                     for code, name in choices], id=ids.AUTHORITY_PICKER, name="authority",
                    className="picker-select"),
        html.Button("Show", type="submit", id=ids.AUTHORITY_PICKER + "-show", className="picker-button"),
    ], method="get", className="authority-picker", role="search",
        **{"aria-label": "Choose the authority the pages show"})


def layout():
    store = context.store()
    problem = context.authority_problem()
    chosen = store.authority.area_code
    own = store.default_authority.area_code
    authority = store.authority.area_name
    branding = store.manifest.branding
    organisation = branding.get("organisation") or (authority and f"{authority} Council") or "Your council"
    if chosen != own:  # another authority's figures: its name, not the profile's branding
        organisation = f"{authority} Council" if authority else organisation
    return html.Div([
        html.A("Skip to main content", href="#" + ids.MAIN, className="skip-link"),
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        html.Header([
            html.Div([
                html.Img(src="/branding/logo", alt=f"{organisation} logo", className="org-logo")
                if branding.get("logo") else None,
                html.Span(organisation, className="org-name"),
                html.Span("Market Position Statement: adult social care", className="service-name"),
                picker(store),
            ], className="header-inner"),
        ], className="site-header", style={"borderBottomColor": branding.get("primary_colour", "#005EA5")}),
        nav(chosen if chosen != own else None),
        html.Div(problem, id=ids.AUTHORITY_PROBLEM, role="alert", className="authority-problem") if problem else None,
        html.Main(dash.page_container, id=ids.MAIN, tabIndex="-1", className="main"),
        html.Footer(html.P(["Figures come from the files listed on ",
                            dcc.Link("About the data", href="/about"), "."]), className="site-footer"),
    ], className="page")

"""The page frame: skip link, header with the authority's name, navigation, main, footer.

Follows the GOV.UK Design System's patterns (skip link first, header, phase-free nav, one h1 per
page) with the authority's own name and colours: no crown, logotype or GDS Transport font.
"""
from __future__ import annotations

import dash
from dash import dcc, html

from . import context, ids


def nav() -> html.Nav:
    links = [html.Li(dcc.Link(page["name"], href=page["relative_path"], className="nav-link"))
             for page in dash.page_registry.values() if page.get("nav", True)]
    return html.Nav(html.Ul(links, className="nav-list"), id=ids.NAV, className="site-nav",
                    **{"aria-label": "Sections of the Market Position Statement"})


def layout():
    store = context.store()
    authority = store.authority.area_name
    branding = store.manifest.branding
    organisation = branding.get("organisation") or (authority and f"{authority} Council") or "Your council"
    return html.Div([
        html.A("Skip to main content", href="#" + ids.MAIN, className="skip-link"),
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        html.Header([
            html.Div([
                html.Img(src="/branding/logo", alt=f"{organisation} logo", className="org-logo")
                if branding.get("logo") else None,
                html.Span(organisation, className="org-name"),
                html.Span("Market Position Statement: adult social care", className="service-name"),
            ], className="header-inner"),
        ], className="site-header", style={"borderBottomColor": branding.get("primary_colour", "#005EA5")}),
        nav(),
        html.Main(dash.page_container, id=ids.MAIN, tabIndex="-1", className="main"),
        html.Footer(html.P(["Figures come from the files listed on ",
                            dcc.Link("About the data", href="/about"), "."]), className="site-footer"),
    ], className="page")

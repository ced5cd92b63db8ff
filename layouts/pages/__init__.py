"""Dash pages, one per MPS section; each module calls dash.register_page."""
from . import (about, demand, downloads, gaps, neighbourhoods, opportunities, overview, performance,  # noqa: F401
               population, resources, supply)

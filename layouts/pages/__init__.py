"""Dash pages, one per MPS section; each module calls dash.register_page."""
from . import overview, about  # noqa: F401

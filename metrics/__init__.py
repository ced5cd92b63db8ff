"""Metrics: pure functions from store tables to the figures pages and exports show."""

from .comparators import peers  # noqa: E402,F401  registers the peer-group method with the store (store.reading.PEER_GROUPS)

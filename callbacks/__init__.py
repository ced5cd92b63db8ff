"""Callbacks, one module per page; thin: parse inputs, call metrics, build figures."""
from . import demand, gaps, neighbourhoods, opportunities, performance, population, resources, supply  # noqa: F401

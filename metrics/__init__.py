"""Metrics: pure functions from store tables to the figures pages and exports show."""

"""Comparators: peer groups by NHS England's method."""

"""Presentation only: Dash pages and shared components. No data logic lives here."""

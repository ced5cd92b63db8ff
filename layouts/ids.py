"""Every component id in one place, so pages and callbacks cannot drift apart."""
URL = "url"
MAIN = "main-content"
NAV = "site-nav"

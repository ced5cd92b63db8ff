"""Writers for the refreshed MPS tables (CSV now; xlsx and the briefing pack build on the same tables)."""

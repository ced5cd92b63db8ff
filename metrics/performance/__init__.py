"""Performance: Fingertips indicators (KPIs), ASCOF outcomes and the statistics that judge them."""

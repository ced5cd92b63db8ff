"""Across topics: the ranked findings and the Overview's headline facts."""

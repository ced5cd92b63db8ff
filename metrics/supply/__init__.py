"""Supply and the market: CQC locations and care homes, beds and gaps against need, market change,
segments and fees, workforce, contracts and opportunities."""

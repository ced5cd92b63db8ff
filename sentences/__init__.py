"""The sentences a reader reads about the figures: what the pages, the exports and the brief say in
words. Metric functions return numbers, frames and flags; the wording built from them lives here, one
module per topic as in metrics/, so the page, the workbook and the brief say the same thing once.
(publish/narrative.py is something else: the authority's own narrative files for the published MPS.)"""

"""One council's own facts never appear under another's name (every authority in
one store). The store holds the profile authority's intentions, targets, contacts and segment
directions, and its own files (contracts, activity, finance, caseloads, neighbourhoods); seen as
another authority through the header picker, the store has none of them, and the page says why
rather than asking for files to be added."""
from __future__ import annotations

from domain.contract import PROFILE_TABLES
from store import PROFILE_FACTS, Store

SOUTHWARK = "E09000028"
# A phrase only Lewisham's profile holds (data/authorities/E09000023/profile.toml).
LEWISHAM_SEGMENT_REASON = "MPS June 2017 s3.2"
LEWISHAM_INTENTION = "transitions team will work with young people aged 14 to 25"


def test_profile_facts_are_the_profile_authoritys_only(sample_store):
    own = Store(sample_store)
    other = own.for_authority(SOUTHWARK)
    assert own.manifest.intentions and own.manifest.segment_overrides and own.manifest.targets
    assert own.manifest.targets["carers_new_contacts"] == 500
    for fact in PROFILE_FACTS:
        assert not getattr(other.manifest, fact), fact
    # What is not the council's decision stays: the store's version and its authority.
    assert other.manifest.ingested_at == own.manifest.ingested_at
    assert other.manifest.authority == own.manifest.authority


def test_council_tables_are_not_held_for_another_authority(sample_store):
    own, other = Store(sample_store), Store(sample_store).for_authority(SOUTHWARK)
    assert own.has("contracts") and own.has("finance") and own.has("activity")
    assert not any(other.has(t) for t in PROFILE_TABLES)
    assert other.has("population") and other.has("indicators")  # national files: every authority
    assert own.is_profile_authority and not other.is_profile_authority


def test_segment_directions_and_targets_follow_the_authority(sample_store):
    """Lewisham's own direction for care homes (hold, with its MPS reason) and its carers'
    target are not applied to Southwark's market or gaps."""
    from metrics.supply import gaps, segments
    own, other = Store(sample_store), Store(sample_store).for_authority(SOUTHWARK)
    assert LEWISHAM_SEGMENT_REASON in segments.segment_ratings(own).to_string()
    assert segments.segment_ratings(other)["override_reason"].isna().all()
    assert any("500" in str(g) for g in gaps.carers_gaps(own))
    assert not any("500" in str(g) for g in gaps.carers_gaps(other))


def test_the_brief_for_another_authority_carries_none_of_lewishams_words(sample_store):
    from exports.brief import build_sections, build_summary, render_html

    def brief(store):
        return render_html(store, build_sections(store), build_summary(store))

    own, other = Store(sample_store), Store(sample_store).for_authority(SOUTHWARK)
    assert LEWISHAM_SEGMENT_REASON in brief(own)
    text = brief(other)
    assert LEWISHAM_SEGMENT_REASON not in text and LEWISHAM_INTENTION not in text
    assert "Southwark" in text


def test_missing_notice_says_whose_files_the_store_holds(sample_store):
    from layouts.components import missing_notice
    own, other = Store(sample_store), Store(sample_store).for_authority(SOUTHWARK)
    text = str(missing_notice(["contracts registers"], other))
    assert "not available for Southwark" in text and "for Lewisham only" in text
    assert "council-files-only" in text
    assert "run mps ingest again" in str(missing_notice(["contracts registers"], own))
    assert "run mps ingest again" in str(missing_notice(["contracts registers"]))

"""The domain's facts, its labels and the store contract: the ground every other layer stands on.

    domain      vocabulary (client groups, age bands, service types, defaults), labels, contract
    loaders     publishers' files -> store tables          (imports domain)
    metrics     store tables -> figures                    (imports domain)
    layouts     figures -> Dash components and pages       (imports domain, metrics)
    exports     figures -> CSV, xlsx, PDF/HTML brief        (imports domain, metrics)
    callbacks   page interactions                          (imports domain, metrics, layouts, exports)
    app         the Dash/Flask factory                     (imports everything above)

Nothing here imports pandas-heavy code from another layer, and nothing here names an authority:
an authority's facts live in its profile (mps.toml and its lookups), never in code.
"""

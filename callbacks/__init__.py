"""Callbacks, one module per page (named as the page module in layouts/pages), each declaring a
`page = PageCallbacks(name)`; thin: parse inputs, call metrics, build figures. `app.create_app`
binds them to each app it makes."""

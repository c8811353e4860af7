"""The rendering layer: a note, a header and a find query turned into painted lines.

Rich, pyromark and pylatexenc only: nothing here imports Textual, `app.ui` or `app.edges`, so a
render can run in any thread and be tested without an app (`tests/test_architecture_render.py`).
`markdown` is the entry point; `preview` builds what the preview shows for an entry or category;
`find` finds a query in painted lines.
"""

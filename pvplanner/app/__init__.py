"""pvplanner's Streamlit app: pages, widgets and charts. UI only.

The app calls pvplanner's public API (:func:`pvplanner.pipeline.plan`, the scenario models,
the store, the report) and holds no formula. ``streamlit_app.py`` at the repository root is
the entry point (``streamlit run streamlit_app.py``); :mod:`pvplanner.app.shell` builds the
frame and the navigation over the ``page_*`` modules, each with a ``render()`` function.
Nothing outside this package imports it.
"""

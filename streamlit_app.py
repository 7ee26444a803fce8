"""pvplanner's web app: ``streamlit run streamlit_app.py``.

Thin entry point: the pages and widgets live in :mod:`pvplanner.app`; every figure comes
from :func:`pvplanner.pipeline.plan`.
"""

from pvplanner.app.shell import main

main()

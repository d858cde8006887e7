"""The review's PRISMA 2020 flow: ``flow.py`` the flow as plain data (no Django), checked to
add up; ``selectors.py`` its counts from the review and its files; ``views.py``, ``api.py`` and
``urls.py`` the page, the downloads and the REST endpoint. The drawing is
``synthesis.figures.prisma``."""

"""The demo review, modelled on the reference review (MSCs for systemic sclerosis), loaded by
`manage.py load_demo`: `services.py` makes the review and its team, `screening.py` replays its
searches and screening, `synthesis.py` its extraction, risk of bias, analyses and pooling; the
data ship in `data/`."""

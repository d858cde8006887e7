"""Analyses on a locked snapshot: spec, compilation to engine cases, pooling, GRADE, R scripts.

The pure core (no Django), what is where:

- ``spec.py``      validate_analysis, spec_hash, AnalysisSpecError: the analysis spec.
- ``compile.py``   compile_case, compile_sensitivity: snapshot + analysis -> engine case(s).
- ``defaults.py``  default_analyses: the analyses proposed for a snapshot.
- ``run.py``       pool_analysis: the main result and its sensitivity analyses.
- ``grade.py``     GRADE domains proposed by stated rules, reviewer overrides, SoF rows.
- ``rscript.py``   NAME.csv + NAME.R reproducing an analysis with metafor.

The Django layer beside it (this package's __init__ imports none of it):

- ``services.py``  analyses proposed, edited, deleted; pooling runs (claimed once); GRADE saves.
- ``selectors.py`` analyses with their runs, the summary, safety, per-study and sensitivity rows.
- ``sof.py``       the GRADE summary of findings table and its DOCX and XLSX.
- ``views.py``, ``api.py``, ``urls.py``  the pages and the REST API; ``tasks.py`` the
  ``synthesis.pooling_run`` Celery task.
"""

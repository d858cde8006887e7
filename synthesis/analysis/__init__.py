"""Analyses on a locked snapshot: spec, compilation to engine cases, pooling, GRADE, R scripts.

Pure Python (no Django). What is where:

- ``spec.py``      validate_analysis, spec_hash, AnalysisSpecError: the analysis spec.
- ``compile.py``   compile_case, compile_sensitivity: snapshot + analysis -> engine case(s).
- ``defaults.py``  default_analyses: the analyses proposed for a snapshot.
- ``run.py``       pool_analysis: the main result and its sensitivity analyses.
- ``grade.py``     GRADE domains proposed by stated rules, reviewer overrides, SoF rows.
- ``rscript.py``   NAME.csv + NAME.R reproducing an analysis with metafor.
"""

"""The statistics engine: numpy and scipy only, no Django import.

What is where:

- ``errors.py``      StatsInputError, the error for input a reviewer has to fix.
- ``effects.py``     escalc: effect sizes and sampling variances for every measure.
- ``transforms.py``  back-transformation of pooled results (exp, inverse logit, Miller's
                     inverse Freeman-Tukey with harmonic-mean n, inverse arcsine, tanh).
- ``counts.py``      Mantel-Haenszel (OR, RR, RD, IRR) and Peto pooling from counts.
- ``rma.py``         inverse-variance common effect and random effects (DL, HE, HS, HSk, SJ,
                     ML, REML, EB, PM, PMM, GENQ, iterated to the exact root), knha and its
                     ad hoc variants, prediction intervals, I2/H2, Q-profile CIs (generalised
                     Q for GENQ) and Higgins-Thompson CIs for I2 and H.
- ``qform.py``       distribution of Σ λ χ²_1 (Imhof), for the generalised-Q interval.
- ``moderators.py``  meta-regression (QM, coefficients, R2) and subgroups (Qb and QM).
- ``multilevel.py``  nested random effects (rma.mv ~ 1 | outer/inner), REML.
- ``bias.py``        leave-one-out, cumulative, Egger (rma and lm), Begg, trim-and-fill (L0).
- ``engine.py``      run_spec / run_case: one analysis-spec case to a result dict or an error;
                     what ``python manage.py metaanalysis`` runs.
"""

"""Distribution of a positive quadratic form in normal variables (Imhof 1961).

The generalised Q statistic of a meta-analysis is Σ λ_j χ²_1 under the random-effects model
(Jackson 2013), with λ_j the non-zero eigenvalues of Σ^½ A Σ^½. Imhof's inversion of its
characteristic function gives

    P(Q > x) = ½ + (1/π) ∫_0^∞ sin θ(u) / (u ρ(u)) du,
    θ(u) = ½ Σ arctan(λ_j u) - ½ x u,   ρ(u) = Π (1 + λ_j² u²)^¼.

The first period of the oscillation is integrated directly; beyond it sin θ is split into
sin φ·cos(xu/2) - cos φ·sin(xu/2) with φ = ½ Σ arctan(λ_j u), and each part goes to QUADPACK's
Fourier-integral routine, which sums the decaying oscillation to near machine precision.
"""

import warnings

import numpy as np
from scipy import integrate, special


def _parts(lam, u):
    phi = 0.5 * float(np.sum(np.arctan(lam * u)))
    rho = float(np.exp(0.25 * np.sum(np.log1p((lam * u) ** 2))))
    return phi, u * rho


def cdf(x, lam):
    """P(Σ λ_j χ²_1 ≤ x) for positive weights lam."""
    lam = np.asarray(lam, dtype=float)
    if x <= 0.0:
        return 0.0
    if len(lam) == 1:
        return float(special.chdtr(1, x / lam[0]))
    half = 0.5 * x

    def head(u):
        if u == 0.0:
            return 0.5 * float(lam.sum()) - half
        phi, urho = _parts(lam, u)
        return np.sin(phi - half * u) / urho

    def sin_part(u):
        phi, urho = _parts(lam, u)
        return np.sin(phi) / urho

    def cos_part(u):
        phi, urho = _parts(lam, u)
        return np.cos(phi) / urho

    u0 = 2.0 * np.pi / half
    with warnings.catch_warnings():
        # QUADPACK warns when it cannot prove its tolerance; the estimate is still its best.
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        a = integrate.quad(head, 0.0, u0, limit=200, epsabs=1e-15, epsrel=1e-13)[0]
        tail = {"a": u0, "b": np.inf, "wvar": half, "limlst": 200, "epsabs": 1e-15}
        b = integrate.quad(sin_part, weight="cos", **tail)[0]
        c = integrate.quad(cos_part, weight="sin", **tail)[0]
    return float(min(1.0, max(0.0, 0.5 - (a + b - c) / np.pi)))

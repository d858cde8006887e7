"""The risk-of-bias core and its figures import no Django."""
import subprocess
import sys


def test_core_and_figures_import_without_django():
    code = ("import sys, extraction.rob, synthesis.figures.robvis; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"

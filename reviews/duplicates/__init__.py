"""De-duplication: the run after each import, the pair queue people decide, merged groups,
splits and unmerges. The matching itself is pure, in `matching`."""

"""Pure figures (matplotlib Agg, no Django): forest and funnel plots as SVG, PNG or PDF bytes."""

"""One metric per module; each returns float('nan') when the metric is undefined."""

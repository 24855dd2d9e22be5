"""Report stage: the result as one JSON contract (authoritative) and renderers that read it."""

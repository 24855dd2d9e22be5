"""The counselor's report: self-contained HTML and PDF drawn from the result."""

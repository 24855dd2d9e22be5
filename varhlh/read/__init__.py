"""Read stage: open a VCF/BCF, validate it and yield the panel-region records."""

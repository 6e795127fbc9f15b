"""pytest plugins loaded into the generated projects' runs (`PYTHONPATH` + `-p`)."""

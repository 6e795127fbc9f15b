"""Test-only plumbing: where the database comes from and how tests are isolated."""

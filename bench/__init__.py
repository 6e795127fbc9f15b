"""`nox -s bench`: what each isolation strategy costs per test, against tutorial strategies."""

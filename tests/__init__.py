"""rbp's test suite (a package, so tests can import tests.strategies and tests.databases)."""

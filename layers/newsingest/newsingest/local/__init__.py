"""Local demo assets (sample pages served by the demo and loaded by the tests)."""

"""Test and benchmark support that is not part of the library (browser, screenshots)."""

"""The domain core. Never imports Textual (a test enforces it)."""

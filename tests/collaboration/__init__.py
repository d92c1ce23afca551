"""ScaiWave admin API, first half: AI config, model catalog, plugins, participants."""

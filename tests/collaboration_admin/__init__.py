"""The second half of the ScaiWave admin API: settings, stats, audit, partners."""

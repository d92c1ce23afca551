"""The foundation every layer may import: who is calling, configuration, limits, observation."""

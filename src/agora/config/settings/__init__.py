"""Settings: `base` is the production-safe default (read from the environment); `test` tunes it for the suite."""

"""API plumbing every app's endpoints share: pagination, the bounded JSON parser, error answers."""

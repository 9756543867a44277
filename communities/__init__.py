"""The domain of a networked improvement community, registered as a built-in plugin."""

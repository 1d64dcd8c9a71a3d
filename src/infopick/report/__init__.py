"""Pictures of results; reads results, computes nothing about them."""

"""The HTTP layer: SPARQL endpoint, linked-data pages, downloads."""

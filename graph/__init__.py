"""Text to RDF: parse a policy document, extract its entities, build its named graph."""

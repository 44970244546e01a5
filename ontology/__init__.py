"""The policykg OWL ontology (Turtle), the source of truth for its terms."""

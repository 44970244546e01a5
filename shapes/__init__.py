"""Validation: SHACL shapes (pySHACL) and OWL consistency (owlready2 + HermiT)."""

"""View models of the linked-data pages: what each template shows, read from the engine.

page.py chooses a resource's page by its class and builds the generic property table;
document.py, measure.py, agency.py, graph.py and ontology.py fill in the pages of their
kinds; terms.py says how an RDF term is shown (label, compact name, link, value).
"""

"""The policykg command line: build, query, validate, serve."""

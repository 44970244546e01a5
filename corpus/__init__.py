"""The bundled corpus: the policy documents every command uses by default."""

"""The playbook: the shared definitions, from YAML text to a typed, validated, versioned document."""

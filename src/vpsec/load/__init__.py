"""Reading a workspace: files, YAML with positions, records and their index."""

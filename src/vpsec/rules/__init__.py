"""The good-practice rules: one module per family, each rule one small check function."""
